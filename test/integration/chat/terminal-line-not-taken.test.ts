import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { TERMINAL_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { TerminalSession } from '../../../src/chat/terminal-session.js';
import { ErrorCodes } from '../../../src/errors.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobWorker } from '../../../src/worker/job-worker.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';
import { startSplittableRedisLink, type SplittableRedisLink } from '../../support/splittable-redis-link.js';

/** A connection to the private Redis that a crash in the test does not turn into unhandled errors. */
function quietRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  return redis;
}

const ALL_STATES = ['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

describe('a terminal line Redis does not take is never queued (real Redis and BullMQ)', () => {
  let redis: PrivateRedis;
  let link: SplittableRedisLink;
  /** As chat's own: it keeps commands while Redis is away and retries them for ever. */
  let connection: Redis;
  let queue: MessageQueue;
  let events: QueueEvents;
  let worker: JobWorker;
  let runs: string[];
  const prefix = `{not-taken-${randomUUID().slice(0, 8)}}`;

  beforeEach(async () => {
    redis = await startPrivateRedis({ appendOnly: true });
    link = await startSplittableRedisLink(redis.port);
    connection = new Redis(link.url, { maxRetriesPerRequest: null, enableOfflineQueue: true });
    connection.on('error', () => undefined);
    queue = new MessageQueue(connection, prefix, TERMINAL_QUEUE);
    await queue.ready();
    events = new QueueEvents(TERMINAL_QUEUE, { connection: quietRedis(redis.url), prefix });
    await events.waitUntilReady();
    runs = [];
    const handler = async (data: unknown) => {
      runs.push((data as { content: string }).content);
      return { status: 'skipped', reason: 'test' };
    };
    worker = createJobWorker(quietRedis(redis.url), prefix, { reply: handler }, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      queueName: TERMINAL_QUEUE,
    });
  });

  afterEach(async () => {
    link.heal();
    await worker.stop(1_000);
    await events.close();
    await queue.close().catch(() => undefined);
    connection.disconnect();
    await link.close();
    await redis.stop();
  });

  it('while the connection is down, the line is refused at once (REDIS_UNAVAILABLE), and nothing is queued once Redis is back', async () => {
    await redis.crash();
    await expect.poll(() => connection.status, { timeout: 5_000 }).not.toBe('ready');
    const session = new TerminalSession(queue.queue, events, connection, prefix, 'Ann', 5_000);
    const started = Date.now();
    const turn = await session.say('hello');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(turn).toMatchObject({ kind: 'refused', code: ErrorCodes.RedisUnavailable, reason: expect.stringMatching(/Redis is not reachable.*type the line again/) });
    await redis.revive();
    await expect.poll(() => connection.status, { timeout: 10_000 }).toBe('ready');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await queue.queue.getJobCountByTypes(...ALL_STATES)).toBe(0);
    expect(runs).toEqual([]);
  }, 30_000);

  it('when Redis takes the line only after the wait, it is withdrawn before the worker can answer it', async () => {
    const session = new TerminalSession(queue.queue, events, connection, prefix, 'Ann', 1_000);
    // The connection stays ready; what it sends is held, and reaches Redis only once the link heals.
    link.split();
    const turn = await session.say('hello');
    expect(turn).toMatchObject({ kind: 'refused', code: ErrorCodes.RedisUnavailable, reason: expect.stringMatching(/Redis did not take the line.*type the line again/) });
    link.heal();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await queue.queue.getJobCountByTypes(...ALL_STATES)).toBe(0);
    expect(runs).toEqual([]);
    // The session goes on: the next line is queued and answered.
    expect(await session.say('again')).toMatchObject({ kind: 'silent' });
    expect(runs).toEqual(['again']);
  }, 30_000);
});
