import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANALYSIS_LIMITS } from '../../src/adapters/redis/redis-analysis-limiter.js';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

const STRING = 3;
/** Interaction callback types: a message at once, or "thinking…" to be edited later. */
const CHANNEL_MESSAGE = 4;
const DEFERRED = 5;
/** How long the fake Discord, as Discord, waits for an interaction's first answer (its default). */
const INTERACTION_RESPONSE_MS = 3_000;
const MINUTE_MS = 60_000;
/** Far more than a scenario's /feels take, Discord's 3 s wait included. */
const ROOM_IN_MINUTE_MS = 20_000;

/**
 * Which /feels count against a person's minute, on real gateway processes (no worker: every
 * analysis they queue stays there to be looked at) with the real discord.js client against the
 * fake Discord and its real interaction deadlines.
 */
describe("a person's /feel allowance", () => {
  let stack: FeelbotStack;

  beforeEach(async () => {
    stack = await FeelbotStack.start();
  });

  afterEach(async (context) => {
    await stack?.stop(context);
  });

  function feel(userId: string) {
    return stack.discord.sendInteraction({
      channelId: stack.discord.world.channels.text.id,
      userId,
      commandName: 'feel',
      options: [{ name: 'text', type: STRING, value: 'I got the job, I am so happy!' }],
    });
  }

  /** How the gateway(s) answered one /feel: Discord's first recorded callback for it. */
  async function firstAnswer(interactionId: string) {
    const [answer] = await stack.discord.waitFor(() => stack.discord.interactionResponses(interactionId).length > 0 && stack.discord.interactionResponses(interactionId), {
      timeoutMs: 10_000,
    });
    return { type: answer!.callbackType, content: (answer!.body.data as { content?: string } | undefined)?.content };
  }

  /** Runs /feels for `userId`, one after another, until one is refused; resolves with how many were deferred. */
  async function feelsUntilRefused(userId: string): Promise<number> {
    for (let deferred = 0; deferred <= ANALYSIS_LIMITS.perUserPerMinute; deferred++) {
      const answer = await firstAnswer(feel(userId).id);
      if (answer.type !== DEFERRED) {
        expect(answer).toMatchObject({ type: CHANNEL_MESSAGE, content: expect.stringContaining('You have asked for many analyses in the last minute') });
        return deferred;
      }
    }
    throw new Error(`more than ${ANALYSIS_LIMITS.perUserPerMinute} /feels in a minute were deferred`);
  }

  /** The gateway's answers to an interaction as Discord received them, whatever it made of them. */
  const callbacksTo = (interactionId: string) => stack.discord.requests.filter((request) => request.method === 'POST' && request.path.startsWith(`/interactions/${interactionId}/`));

  /**
   * The limits count calendar minutes, by the clock the gateway reads too: a scenario starts with
   * at least this long left in its minute, so its /feels all fall in one.
   */
  async function startOfAMinuteWithRoom(): Promise<void> {
    const left = MINUTE_MS - (Date.now() % MINUTE_MS);
    if (left < ROOM_IN_MINUTE_MS) await sleep(left + 100);
  }

  /** The gateway's last word on an interaction: handled (with its outcome) or failed. */
  const finished = (gateway: FeelbotProcess, interactionId: string): Promise<LogLine> =>
    gateway.waitForLog((line) => line.interactionId === interactionId && (line.msg === 'interaction handled' || line.msg === 'interaction failed'), 15_000);

  it('a /feel whose deferral reached Discord too late (10062) does not cost its asker one of their analyses', async () => {
    const gateway = await stack.spawn('gateway');
    const asker = stack.newMember();
    await startOfAMinuteWithRoom();
    const sentAt = Date.now();
    const late = feel(asker);
    // The gateway's "thinking…" is held on its way to Discord until Discord has forgotten the interaction.
    const release = stack.discord.holdNext((request) => request.method === 'POST' && request.path.startsWith(`/interactions/${late.id}/`));
    await stack.discord.waitFor(() => callbacksTo(late.id).length > 0, { timeoutMs: 10_000 });
    await sleep(sentAt + INTERACTION_RESPONSE_MS + 500 - Date.now());
    release();
    expect(await finished(gateway, late.id)).toMatchObject({ msg: 'interaction failed' });
    // Discord refused it as unknown (404, 10062), as it does an interaction not answered within 3 s.
    expect(callbacksTo(late.id).map((request) => request.status)).toEqual([404]);
    expect(stack.discord.interactionResponses(late.id)).toEqual([]);
    expect(await stack.replyQueue().getJob(analysisJobId(late.id))).toBeUndefined();
    // No analysis ran for it, so the whole minute's allowance is still there.
    expect(await feelsUntilRefused(asker)).toBe(ANALYSIS_LIMITS.perUserPerMinute);
  });

  it('a /feel two gateways both receive (a roll-out) is deferred and queued once, counted once, and neither logs a failure', async () => {
    const gateways = [await stack.spawn('gateway'), await stack.spawn('gateway')];
    const asker = stack.newMember();
    await startOfAMinuteWithRoom();
    const twice = feel(asker);
    const outcomes = await Promise.all(gateways.map((gateway) => finished(gateway, twice.id)));
    expect(outcomes.map((line) => [line.msg, line.outcome]).sort()).toEqual([
      ['interaction handled', 'acknowledged-elsewhere'],
      ['interaction handled', 'queued'],
    ]);
    expect(stack.discord.interactionResponses(twice.id).map((response) => response.callbackType)).toEqual([DEFERRED]);
    // Discord took one "thinking…" and refused the other (400: already acknowledged).
    expect(callbacksTo(twice.id).map((request) => request.status).sort()).toEqual([204, 400]);
    expect(await stack.replyQueue().getJob(analysisJobId(twice.id))).toBeDefined();
    expect(await feelsUntilRefused(asker)).toBe(ANALYSIS_LIMITS.perUserPerMinute - 1);
  });
});
