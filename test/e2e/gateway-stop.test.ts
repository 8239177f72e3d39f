import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/** Well under main.ts's 30 s forced exit (code 1), and the start-up grace a stopped start gets. */
const STOPPED_WHILE_STARTING_BUDGET_MS = 10_000;
/** The REST client gives up on an unanswered request after 15 s and tries again: four hold it past any budget here. */
const UNANSWERED_GATEWAY_REQUESTS = 4;

describe('SIGTERM on a gateway with a /feel in hand (a roll-out, docker compose up -d with a new image)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('the /feel it has already taken is queued for a worker before the gateway exits, as a message in hand is', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    const discord = stack.discord;
    // The deferral is on its way to Discord (about 100 ms on the real one) when the stop signal comes.
    const release = discord.holdNext('POST /interactions/:id/:token/callback');
    const sent = stack.feel('I finally got the job, I am so happy!');
    await discord.waitFor(() => discord.requests.some((request) => request.path.startsWith(`/interactions/${sent.id}/`)), { timeoutMs: 10_000 });
    const exiting = gateway.stop('SIGTERM');
    await gateway.waitForLog((line) => line.msg === 'stopping gateway', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    expect(await exiting).toBe(0);
    // The person saw "thinking…": without the job no worker will ever answer it.
    expect(discord.interactionResponses(sent.id)[0]?.callbackType).toBe(5);
    const job = await stack.replyQueue().getJob(analysisJobId(sent.id));
    const told = discord.interactionResponses(sent.id).slice(1).map((response) => (response.body as { content?: string }).content);
    expect({ queued: job !== undefined, told }).toEqual({ queued: true, told: [] });
    expect(gateway.logs.filter((line) => line.code === 'REDIS_UNAVAILABLE')).toEqual([]);
  }, 60_000);
});

describe('SIGTERM on a gateway that is still logging in to Discord (a slow or rate-limited Discord at start-up)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it.each(['gateway', 'start'] as const)('`feelbot %s` exits 0 soon after the signal, as README promises for a process still starting, not 1 at the 30 s forced exit', async (command) => {
    stack = await FeelbotStack.start();
    const discord = stack.discord;
    // discord.js asks for the gateway's address first; Discord does not answer it (an outage
    // that accepts connections): the REST client times out after 15 s and tries again.
    for (let i = 0; i < UNANSWERED_GATEWAY_REQUESTS; i++) discord.holdNext('GET /gateway/bot');
    const process = new FeelbotProcess([command], stack.env({ HTTP_PORT: '0' }));
    stack.processes.push(process);
    await discord.waitFor(() => discord.requests.some((request) => request.path === '/gateway/bot'), { timeoutMs: 40_000 });
    const started = Date.now();
    const code = await process.stop('SIGTERM');
    const ms = Date.now() - started;
    expect({ code, withinBudget: ms < STOPPED_WHILE_STARTING_BUDGET_MS }).toEqual({ code: 0, withinBudget: true });
    // A login finishing after the stop must not start a session, nor its READY sweep of left guilds.
    expect(process.logs.some((line) => line.msg === 'gateway ready')).toBe(false);
  }, 90_000);
});
