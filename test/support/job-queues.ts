import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { REPLY_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import { NO_METRICS } from '../../src/ports/metrics.js';
import { createJobWorker, type JobHandler, type JobWorker, type JobWorkerOptions } from '../../src/worker/job-worker.js';
import { useCleanups } from './cleanups.js';
import type { PrivateRedisForFile } from './redis-server.js';

export interface JobQueueOptions {
  /** Names each queue's prefix, `{label-xxxxxxxx}`, so a test's keys are told apart in Redis. */
  readonly label: string;
  /** A worker's lock; a job left active without one stalls after about this long. Defaults to 4 s. */
  readonly lockDurationMs?: number;
  /** How long a worker stopped after a test may finish its job. Defaults to 1 s. */
  readonly stopGraceMs?: number;
}

export interface JobQueues {
  /** A reply queue of its own for one test, under a prefix of its own; closed after the test. */
  newQueue(): { queue: Queue; prefix: string };
  /** A job worker on `prefix`, one job at a time, on a connection of its own; stopped after the test. */
  startJobWorker(prefix: string, handlers: Record<string, JobHandler>, options?: Partial<JobWorkerOptions>): JobWorker;
}

/** Reply queues and real job workers on the file's private Redis, a queue per test (as BullMQ's own tests do). */
export function useJobQueues(redis: PrivateRedisForFile, options: JobQueueOptions): JobQueues {
  const cleanups = useCleanups();
  const { label, lockDurationMs = 4_000, stopGraceMs = 1_000 } = options;
  return {
    newQueue() {
      const prefix = `{${label}-${randomUUID().slice(0, 8)}}`;
      const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
      cleanups.push(() => queue.close());
      return { queue, prefix };
    },
    startJobWorker(prefix, handlers, overrides = {}) {
      const worker = createJobWorker(redis.connection.duplicate(), prefix, handlers, {
        concurrency: 1,
        lockDurationMs,
        logger: createLogger('silent', 'test'),
        metrics: NO_METRICS,
        ...overrides,
      });
      cleanups.push(() => worker.stop(stopGraceMs));
      return worker;
    },
  };
}
