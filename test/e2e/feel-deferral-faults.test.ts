import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

const CALLBACK = 'POST /interactions/:id/:token/callback';
/** Interaction callback types: a message at once, or "thinking…" to be edited later. */
const CHANNEL_MESSAGE = 4;
const DEFERRED = 5;

/**
 * A /feel whose deferral meets a Discord fault, on a real gateway process (no worker: a queued
 * analysis stays in the queue to be looked at) with the real discord.js client against the fake Discord.
 */
describe('a /feel whose deferral Discord answers with a fault', () => {
  let stack: FeelbotStack | undefined;

  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  /** The gateway's last word on an interaction: handled (with its outcome) or failed. */
  const finished = (gateway: FeelbotProcess, interactionId: string): Promise<LogLine> =>
    gateway.waitForLog((line) => line.interactionId === interactionId && (line.msg === 'interaction handled' || line.msg === 'interaction failed'), 30_000);

  it('applied by Discord before it answered 502 is still queued for a worker, with one gateway running', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    // Discord applies the deferral ("thinking…" is shown), then answers 502; the client's retry meets 40060.
    stack.discord.failNext(CALLBACK, [{ status: 502, afterHandling: true }]);
    const interaction = stack.feel('I am so happy today');
    const handled = await finished(gateway, interaction.id);
    expect(stack.discord.interactionResponses(interaction.id).map((response) => response.callbackType)).toEqual([DEFERRED]);
    // Nobody else acknowledged it, so nobody else would queue it.
    expect({ msg: handled.msg, outcome: handled.outcome }).toEqual({ msg: 'interaction handled', outcome: 'queued' });
    expect(await stack.replyQueue().getJob(analysisJobId(interaction.id))).toBeDefined();
  });

  it('answered 5xx on every try is logged as a Discord failure with its status, not UNEXPECTED (a bug)', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    // Every try of the deferral, the client's own retries included, meets a 503.
    stack.discord.failNext(CALLBACK, Array.from({ length: 5 }, () => ({ status: 503 })));
    const interaction = stack.feel('I am so happy today');
    const failed = await finished(gateway, interaction.id);
    expect(failed).toMatchObject({ msg: 'interaction failed', code: 'DISCORD_REQUEST_FAILED', err: { details: { status: 503 } } });
  });

  it("rate limited past Discord's 3 seconds fails without waiting (a late try would meet 10062), logged as DISCORD_RATE_LIMITED, not UNEXPECTED", async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    stack.discord.failNext(CALLBACK, [{ status: 429, retryAfter: 4 }]);
    const interaction = stack.feel('I am so happy today');
    const failed = await finished(gateway, interaction.id);
    expect(failed).toMatchObject({ msg: 'interaction failed', code: 'DISCORD_RATE_LIMITED' });
    // Told within the 3 s that something went wrong, instead of after a wait Discord would end with 10062.
    const { discord } = stack;
    const [answer] = await discord.waitFor(() => discord.interactionResponses(interaction.id).length > 0 && discord.interactionResponses(interaction.id), { timeoutMs: 10_000 });
    expect(answer!.callbackType).toBe(CHANNEL_MESSAGE);
  });
});
