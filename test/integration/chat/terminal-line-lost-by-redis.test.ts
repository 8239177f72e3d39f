import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { TERMINAL_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { TerminalSession } from '../../../src/chat/terminal-session.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobWorker } from '../../../src/worker/job-worker.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe("a terminal line whose job Redis loses (real Redis and BullMQ)", () => {
  const redis = usePrivateRedis();
  let prefix: string;
  let queue: MessageQueue;
  let events: QueueEvents;
  let worker: JobWorker;
  let release: () => void;

  beforeEach(async () => {
    prefix = `{lost-${randomUUID().slice(0, 8)}}`;
    queue = new MessageQueue(redis.connection, prefix, TERMINAL_QUEUE);
    events = new QueueEvents(TERMINAL_QUEUE, { connection: redis.connection.duplicate(), prefix });
    await events.waitUntilReady();
    const held = new Promise<void>((resolve) => (release = resolve));
    // A reply being written: it ends only once released.
    const handler = async () => {
      await held;
      return { status: 'skipped', reason: 'test' };
    };
    worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: handler }, {
      concurrency: 1,
      lockDurationMs: 60_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      queueName: TERMINAL_QUEUE,
    });
  });

  afterEach(async () => {
    release();
    await worker.stop(1_000);
    await events.close();
    await queue.close();
  });

  it('is reported lost by Redis within seconds, not after the whole reply wait', async () => {
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann', 120_000);
    const turn = session.say('hello');
    await expect.poll(() => queue.queue.getActiveCount(), { timeout: 10_000 }).toBe(1);
    // As a restart without AOF leaves it: the job and everything else of the queue gone.
    const keys = await redis.connection.keys(`${prefix}*`);
    await redis.connection.del(...keys);
    const started = Date.now();
    expect(await turn).toEqual({ kind: 'lost', reason: expect.stringMatching(/^Redis lost the line before its reply came, as a restart without its data does$/) });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
