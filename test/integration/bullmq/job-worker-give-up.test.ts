import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('the job worker gives up on a job once (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();

  async function run(failure: () => Error, attempts: number) {
    const prefix = `{give-up-${randomUUID().slice(0, 8)}}`;
    const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
    const tried: number[] = [];
    const gaveUp: Array<{ data: unknown; error: unknown; afterTries: number }> = [];
    const failing: JobHandler = async () => {
      tried.push(Date.now());
      throw failure();
    };
    const worker = createJobWorker(redis.connection.duplicate(), prefix, { analysis: failing }, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      giveUp: {
        analysis: async (data, error) => {
          gaveUp.push({ data, error, afterTries: tried.length });
        },
      },
    });
    try {
      const job = await queue.add('analysis', { n: 1 }, { attempts, backoff: { type: 'fixed', delay: 50 } });
      await expect.poll(async () => (await queue.getJob(job.id!))!.getState(), { timeout: 10_000 }).toBe('failed');
      return { tried: tried.length, gaveUp };
    } finally {
      await worker.stop(1_000);
      await queue.close();
    }
  }

  it('a job that keeps failing is given up after its last attempt, not before', async () => {
    const { tried, gaveUp } = await run(() => new Error('the model crashed'), 3);
    expect(tried).toBe(3);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ data: { n: 1 }, afterTries: 3 });
    expect((gaveUp[0]!.error as Error).message).toBe('the model crashed');
  });

  it('a permanent error is given up at once, after one attempt', async () => {
    const { tried, gaveUp } = await run(() => new FeelbotError(ErrorCodes.JobInvalid, 'bad job', { permanent: true }), 3);
    expect(tried).toBe(1);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]!.afterTries).toBe(1);
  });
});
