import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildMessageJob } from '../../factories.js';

/** Long enough for a running worker to have taken a waiting job many times over. */
const IDLE_MS = 1_000;

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The worker's own connection, ended after the test: BullMQ leaves a connection it was given open. */
function workerConnection() {
  const connection = redis.connection.duplicate();
  cleanups.push(async () => connection.disconnect());
  return connection;
}

describe('a job worker created with autorun: false (a start-up that may still be stopped; real Redis and BullMQ)', () => {
  it('takes no job, even once ready, until run(); then it answers the waiting job once', async () => {
    const prefix = `{run-${randomUUID().slice(0, 8)}}`;
    const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
    cleanups.push(() => queue.close());
    const answered: unknown[] = [];
    const record: JobHandler = async (data) => (answered.push(data), { status: 'posted' });
    const worker = createJobWorker(workerConnection(), prefix, { reply: record }, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      autorun: false,
    });
    cleanups.push(() => worker.stop(1_000));
    const job = await queue.add('reply', buildMessageJob());

    await worker.ready();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    expect({ state: await job.getState(), answered }).toEqual({ state: 'waiting', answered: [] });

    worker.run();
    // A second call, as after a retried start-up step, does not start a second loop.
    worker.run();
    await vi.waitFor(async () => expect(await job.getState()).toBe('completed'), { timeout: 10_000 });
    expect(answered).toHaveLength(1);
  });

  it('stopped before run(), it closes at once and leaves the job waiting, with no attempt used', async () => {
    const prefix = `{run-${randomUUID().slice(0, 8)}}`;
    const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
    cleanups.push(() => queue.close());
    const worker = createJobWorker(workerConnection(), prefix, { reply: async () => expect.fail('a stopped worker ran a job') }, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      autorun: false,
    });
    const job = await queue.add('reply', buildMessageJob());
    await worker.ready();
    const started = Date.now();
    await worker.stop(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    const stored = await queue.getJob(job.id!);
    expect({ state: await stored!.getState(), attemptsMade: stored!.attemptsMade }).toEqual({ state: 'waiting', attemptsMade: 0 });
  });
});
