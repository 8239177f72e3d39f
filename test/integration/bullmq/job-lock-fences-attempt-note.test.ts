import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { replyDigest } from '../../../src/domain/reply-digest.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { useCleanups } from '../../support/cleanups.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const cleanups = useCleanups();

it("a run's note of its post lands while BullMQ's lock holds the run's token, and is refused (JOB_LOST, nothing noted) once another worker's does", async () => {
  const prefix = `{fence-${randomUUID().slice(0, 8)}}`;
  const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
  cleanups.push(() => queue.close());
  const connection = redis.connection.duplicate();
  cleanups.push(() => connection.disconnect());
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const attempt = { digest: replyDigest('hello there'), persona: 'Joy', personaKey: 'joy' as const, startedAt: Date.now() };
  const seen: { refused?: unknown } = {};

  const note: JobHandler = async (_data, _log, _signal, run) => {
    await ledger.recordAttempt(['while-held'], attempt, 'hello there', run.lock);
    const held = await redis.connection.get(run.lock?.key ?? 'no-lock');
    // What BullMQ does once the lock lapsed and another worker took the job: its token in the lock.
    await redis.connection.set(run.lock?.key ?? 'no-lock', 'another-worker');
    seen.refused = await ledger.recordAttempt(['after-takeover'], attempt, 'hello there', run.lock).catch((error: unknown) => error);
    // Given back, so the run ends as usual.
    if (held !== null) await redis.connection.set(run.lock?.key ?? 'no-lock', held);
    return { status: 'posted' };
  };
  const worker = createJobWorker(connection, prefix, { reply: note }, { concurrency: 1, lockDurationMs: 30_000, logger: createLogger('silent', 'test'), metrics: NO_METRICS });
  cleanups.push(() => worker.stop(1_000));
  const job = await queue.add('reply', { n: 1 });

  await expect.poll(async () => (await queue.getJob(job.id!))?.getState(), { timeout: 10_000 }).toBe('completed');
  expect(await ledger.findAttempt(['while-held'])).toEqual(attempt);
  expect(seen.refused).toMatchObject({ code: 'JOB_LOST' });
  expect(await ledger.findBegun(['after-takeover'])).toBeUndefined();
});
