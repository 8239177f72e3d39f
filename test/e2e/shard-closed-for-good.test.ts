import { GatewayCloseCodes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { freePort } from '../support/redis-server.js';

/** Long enough for a gateway to drain and close; one still up after this would never restart under Compose. */
const EXIT_WITHIN_MS = 30_000;

/** What a gateway on METRICS_PORT `port` answers on /healthz, within 5 s. */
const healthOf = async (port: number) => (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })).status;

/**
 * discord.js never reconnects a shard Discord closed with 4004 or 4010–4014. docker-compose.yml's
 * `restart: unless-stopped` acts only on an exit (Docker ignores `unhealthy`), so a gateway left
 * deaf that way must stop and exit non-zero for its supervisor to start a working one.
 */
describe('a gateway whose Discord session is closed for good', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('queues the /feel it has in hand, exits 1 with DISCORD_SESSION_CLOSED, and a restarted gateway is back in session', async () => {
    stack = await FeelbotStack.start();
    const { discord } = stack;
    const port = await freePort();
    const gateway = await stack.spawn('gateway', { METRICS_PORT: String(port) });
    await gateway.waitForLog((line) => line.msg === 'http listening', 30_000);
    expect(await healthOf(port)).toBe(200);
    // A /feel whose deferral is on its way to Discord when the session ends: the stop must still queue it.
    const release = discord.holdNext('POST /interactions/:id/:token/callback');
    const sent = stack.feel('I finally got the job, I am so happy!');
    await discord.waitFor(() => discord.requests.some((request) => request.path.startsWith(`/interactions/${sent.id}/`)), { timeoutMs: 10_000 });

    // As after the bot outgrew its shards: 4011, Sharding Required.
    discord.disconnectGateway(GatewayCloseCodes.ShardingRequired);
    const closed = await gateway.waitForLog((line) => line.msg === 'Discord closed a shard for good; stopping the gateway for a restart', 10_000);
    expect(closed).toMatchObject({ level: 'error', shardId: 0, closeCode: 4011 });
    // Released only once the stop has begun: the /feel is still in hand when the gateway stops.
    await gateway.waitForLog((line) => line.msg === 'stopping gateway', 10_000);
    release();

    expect(await exitWithin(gateway, EXIT_WITHIN_MS)).toBe(1);
    expect(gateway.logs.find((line) => line.msg === 'stopping gateway')).toMatchObject({ code: 'DISCORD_SESSION_CLOSED' });
    expect(gateway.output.join('\n')).toMatch(/Discord closed shard 0's session for good \(close code 4011, ShardingRequired\)[^]*\(DISCORD_SESSION_CLOSED\)/);
    expect(await stack.replyQueue().getJob(analysisJobId(sent.id))).toBeDefined();

    // What `restart: unless-stopped` does next: a new gateway on the same Discord is back in session.
    const restarted = await stack.spawn('gateway');
    const mention = stack.mention('the trip is on, I cannot wait!');
    await restarted.waitForLog((line) => line.msg === 'queued' && line.messageId === mention.id, 30_000);
    expect(await stack.replyQueue().getJob(messageJobId(mention.id))).toBeDefined();
  }, 120_000);

  it.each([
    ['1001, Going Away (Discord restarting a gateway node)', 1001],
    ['4000, Unknown Error', GatewayCloseCodes.UnknownError],
    ['4009, Session Timed Out', GatewayCloseCodes.SessionTimedOut],
  ])('keeps running after a close discord.js reconnects from (%s), and queues what comes next', async (_name, code) => {
    stack = await FeelbotStack.start();
    const port = await freePort();
    const gateway = await stack.spawn('gateway', { METRICS_PORT: String(port) });
    await gateway.waitForLog((line) => line.msg === 'http listening', 30_000);

    const { discord } = stack;
    const sessions = () => discord.gatewayStats.identifies + discord.gatewayStats.resumes;
    const before = sessions();
    discord.disconnectGateway(code);
    await discord.waitFor(() => sessions() > before, { timeoutMs: 30_000 });
    await expect.poll(() => healthOf(port), { timeout: 15_000 }).toBe(200);
    const mention = stack.mention('I am so happy today, the trip is on!');
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === mention.id, 30_000);

    expect(await exitWithin(gateway, 1_000)).toBe('still running');
    expect(gateway.logs.filter((line) => line.code === 'DISCORD_SESSION_CLOSED' || String(line.msg).includes('for good'))).toEqual([]);
  }, 90_000);
});

describe('`feelbot start` whose Discord session is closed for good', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('stops its gateway, worker and API as at a stop signal, then exits 1 with DISCORD_SESSION_CLOSED', async () => {
    stack = await FeelbotStack.start();
    const start = new FeelbotProcess(['start'], stack.env({ HTTP_PORT: '0' }));
    stack.processes.push(start);
    // Its port opens before start-up; the session to close is there once the gateway is ready.
    await start.waitForLog((line) => line.msg === 'gateway ready', 120_000);

    // As after an admin turned off the Message Content intent in the developer portal: 4014.
    stack.discord.disconnectGateway(GatewayCloseCodes.DisallowedIntents);

    expect(await exitWithin(start, EXIT_WITHIN_MS)).toBe(1);
    expect(start.output.join('\n')).toMatch(/close code 4014, DisallowedIntents[^]*\(DISCORD_SESSION_CLOSED\)/);
    expect(start.logs.find((line) => line.msg === 'stopping')).toMatchObject({ code: 'DISCORD_SESSION_CLOSED' });
  }, 180_000);
});
