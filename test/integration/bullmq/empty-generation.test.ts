import { describe, expect, it } from 'vitest';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import { buildMessageJob, buildMessageJobDeps, buildSettings } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useJobQueues } from '../../support/job-queues.js';
import { recordingReplier } from '../../support/recording-replier.js';
import { redisReplyLimits } from '../../support/redis-reply-limits.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const { newQueue, startJobWorker } = useJobQueues(redis, { label: 'empty' });

/** Far longer than the test: the only way past it is the start the job itself claimed. */
const COOLDOWN_SECONDS = 600;

/**
 * A worker running the real use case on a queue of its own, with Redis's ledger and rate limiter
 * under a person's cooldown, and a model that writes each text in turn (the last one again after that).
 */
function replyWorker(texts: readonly string[]) {
  const { queue, prefix } = newQueue();
  const { logger, lines } = capturedLogger();
  const { replier, posted } = recordingReplier();
  const counted: string[] = [];
  let generated = 0;
  const settings = buildSettings({ userCooldownSeconds: COOLDOWN_SECONDS });
  const deps = buildMessageJobDeps({
    generator: {
      parallelism: 1,
      generate: async () => ({ text: texts[Math.min(generated++, texts.length - 1)]!, tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 }),
      dispose: async () => undefined,
    },
    settings: { get: async () => settings, update: async () => settings },
    replier,
    ...redisReplyLimits(redis.connection, prefix),
    logger,
  });
  startJobWorker(prefix, { reply: (data, log, signal) => handleMessageJob(data, { ...deps, logger: log }, signal) }, {
    logger,
    metrics: { ...NO_METRICS, countFailure: (code) => void counted.push(`failure ${code}`), countRetry: (code) => void counted.push(`retry ${code}`) },
    giveUp: giveUpHandlers({ editOriginal: async () => undefined, hasAnswered: async () => false, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') }),
  });
  const answer = async (attempts: number) => {
    const job = await queue.add('reply', buildMessageJob(), { attempts, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(async () => (await queue.getJob(job.id!))!.getState(), { timeout: 10_000 }).toMatch(/^(completed|failed)$/);
    return (await queue.getJob(job.id!))!;
  };
  return { answer, posted, counted, lines, generated: () => generated };
}

describe('a model that writes nothing visible (real Redis and BullMQ)', () => {
  it("is tried again, and the retry posts past the cooldown its first attempt claimed", async () => {
    const { answer, posted, counted } = replyWorker(['  \n\t ', 'That is wonderful news!']);
    const job = await answer(2);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({ status: 'posted' });
    expect(posted.map((reply) => reply.content)).toEqual(['That is wonderful news!']);
    // A retry, not a failure: the job posted.
    expect(counted).toEqual(['retry GENERATION_EMPTY']);
  });

  it('after its last attempt the reply is given up at error level with GENERATION_EMPTY', async () => {
    const { answer, posted, counted, lines, generated } = replyWorker(['\u200b\u2060']);
    const job = await answer(3);
    expect(await job.getState()).toBe('failed');
    expect(generated()).toBe(3);
    expect(posted).toEqual([]);
    expect(counted).toEqual(['retry GENERATION_EMPTY', 'retry GENERATION_EMPTY', 'failure GENERATION_EMPTY']);
    expect(lines.filter((line) => line.msg === 'reply given up')).toEqual([expect.objectContaining({ level: 'error', code: 'GENERATION_EMPTY' })]);
  });
});
