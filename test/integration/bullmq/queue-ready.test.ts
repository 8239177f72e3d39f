import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import { buildMessageJob } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Longer than a producer's 2 s command timeout, so BullMQ's start-up check of Redis times out. */
const PAUSE_MS = 3_000;

describe("a producer's queue says whether BullMQ could set itself up on Redis (real Redis and BullMQ)", () => {
  const redis = usePrivateRedis();
  const prefix = () => `{ready-${randomUUID().slice(0, 8)}}`;

  it('on a Redis that answers, ready() resolves and the queue takes jobs', async () => {
    const connection = createRedis(redis.server.url, 'producer', 'test-ready');
    const queue = new MessageQueue(connection, prefix());
    try {
      await queue.ready();
      const job = buildMessageJob();
      expect(await queue.enqueueDebounced(job, job.messageId, 60_000)).toContain(job.messageId);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('when Redis stops answering during that check, ready() fails with REDIS_UNAVAILABLE, since BullMQ keeps the failure for good', async () => {
    const connection = createRedis(redis.server.url, 'producer', 'test-ready');
    await once(connection, 'ready');
    // Redis holds every client's commands: BullMQ's version check (INFO) on the ready connection times out.
    await redis.connection.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
    const queue = new MessageQueue(connection, prefix());
    try {
      const failure = await queue.ready().catch((error: unknown) => error);
      expect(isFeelbotError(failure, ErrorCodes.RedisUnavailable)).toBe(true);
      expect((failure as Error).message).toMatch(/job queue could not start on Redis/);
      // Redis answers again, yet the queue still refuses every job: why a process must not start on it.
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      expect(await connection.ping()).toBe('PONG');
      const job = buildMessageJob();
      await expect(queue.enqueueDebounced(job, job.messageId, 60_000)).rejects.toThrow();
    } finally {
      await queue.close().catch(() => undefined);
      connection.disconnect();
    }
  });
});
