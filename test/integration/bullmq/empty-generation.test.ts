import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter.js';
import { handleMessageJob, type MessageJobDeps } from '../../../src/jobs/handle-message-job.js';
import { NO_CHANNEL_BLOCKS } from '../../../src/ports/channel-blocks.js';
import { NO_DELETIONS } from '../../../src/ports/deleted-messages.js';
import { NO_EDITS } from '../../../src/ports/edited-messages.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import type { PersonaReply } from '../../../src/ports/persona-replier.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import { createJobWorker } from '../../../src/worker/job-worker.js';
import { buildAnalysis, buildMessageJob, buildSettings, personas, snowflake } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Far longer than the test: the only way past it is the start the job itself claimed. */
const COOLDOWN_SECONDS = 600;

/**
 * A worker running the real use case on a queue of its own, with Redis's ledger and rate limiter
 * under a person's cooldown, and a model that writes each text in turn (the last one again after that).
 */
function replyWorker(texts: readonly string[]) {
  const prefix = `{empty-${randomUUID().slice(0, 8)}}`;
  const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
  const { logger, lines } = capturedLogger();
  const posted: PersonaReply[] = [];
  const counted: string[] = [];
  let generated = 0;
  const settings = buildSettings({ userCooldownSeconds: COOLDOWN_SECONDS });
  const deps: MessageJobDeps = {
    classifier: { classify: async (batch) => batch.map(() => buildAnalysis()), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async () => ({ text: texts[Math.min(generated++, texts.length - 1)]!, tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 }),
      dispose: async () => undefined,
    },
    personas,
    settings: { get: async () => settings, update: async () => settings },
    replier: { post: async (reply) => (posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined },
    ledger: new RedisDeliveryLedger(redis.connection, prefix),
    typing: { start: () => () => undefined },
    logger,
    metrics: NO_METRICS,
    notifier: { notify: async () => undefined },
    limiter: new RedisRateLimiter(redis.connection, prefix),
    deleted: NO_DELETIONS,
    edited: NO_EDITS,
    blocks: NO_CHANNEL_BLOCKS,
  };
  const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: (data, log, signal) => handleMessageJob(data, { ...deps, logger: log }, signal) }, {
    concurrency: 1,
    lockDurationMs: 4_000,
    logger,
    metrics: { ...NO_METRICS, countFailure: (code) => void counted.push(`failure ${code}`), countRetry: (code) => void counted.push(`retry ${code}`) },
    giveUp: giveUpHandlers({ editOriginal: async () => undefined, hasAnswered: async () => false, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') }),
  });
  cleanups.push(() => queue.close(), () => worker.stop(1_000));
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
