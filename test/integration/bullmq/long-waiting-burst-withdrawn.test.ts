import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { createDeletionHandler } from '../../../src/gateway/on-message-delete.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { messageJobId, type MessageJob } from '../../../src/jobs/message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler, type JobWorker } from '../../../src/worker/job-worker.js';
import { buildMessageJob, snowflake } from '../../factories.js';
import { sweptFor } from '../../support/pass-time.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set unless a test wants it to. */
const LONG_WINDOW_MS = 30_000;

const THREE_HOURS_MS = 3 * 60 * 60_000;

/**
 * "A deleted message is never answered, and its text leaves Redis", for a burst's earlier message:
 * its reply job is named after the burst's newest message, so a deletion finds it only through the
 * message's carrier. The job waits for hours with the workers down while a gateway sweeps the queue,
 * and is still withdrawn; the rest of the burst is still answered. Real Redis, real BullMQ, the
 * gateway's deletion handler.
 */
describe("a burst's reply job that waited for hours (real Redis and BullMQ)", () => {
  const redis = usePrivateRedis();
  const opened: Array<{ close(): Promise<void> } | JobWorker> = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const thing of opened.splice(0).reverse()) await ('stop' in thing ? thing.stop(1_000) : thing.close());
  });

  /** One author's burst of two messages in one channel (of a server, or a DM), queued as the gateway queues it. */
  async function burstOfTwo(guildId: string | null = snowflake()) {
    const prefix = `{carried-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
    const onDelete = createDeletionHandler({ deleted: new RedisDeletedMessages(redis.connection, prefix), queue, bursts, logger: createLogger('silent', 'test') });
    const author = { id: snowflake(), displayName: 'Bob' };
    const channelId = snowflake();
    const first = buildMessageJob({ guildId, channelId, author, messageId: snowflake(), content: 'my new address is 12 Elm Street, flat 4' });
    const second = buildMessageJob({ guildId, channelId, author, messageId: snowflake(), content: 'and I feel so lonely there' });
    for (const job of [first, second]) await queueInBurst(queue, bursts, job, async () => true);
    const jobId = messageJobId(second.messageId);
    return { prefix, queue, onDelete, first, second, jobId };
  }

  function startWorker(prefix: string, reply: JobHandler) {
    const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply }, { concurrency: 1, lockDurationMs: 4_000, logger: createLogger('silent', 'test'), metrics: NO_METRICS });
    opened.push(worker);
    return worker;
  }

  it('is withdrawn when its earlier message is deleted, and nothing in Redis keeps that text; the rest of the burst is still answered', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { prefix, queue, onDelete, first, second, jobId } = await burstOfTwo();
    expect(((await queue.queue.getJob(jobId))!.data as MessageJob).burst).toEqual([first.messageId]);
    // Out of its burst window, it waits for a worker; none comes for three hours.
    await (await queue.queue.getJob(jobId))!.promote();
    await sweptFor(redis.connection, prefix, queue, THREE_HOURS_MS);
    expect(await everythingUnder(redis.connection, prefix)).toContain('12 Elm Street');

    await onDelete([first.messageId]);

    expect(await everythingUnder(redis.connection, prefix)).not.toContain('12 Elm Street');
    const rest = (await queue.queue.getJob(jobId))!;
    expect(rest.data).toMatchObject({ messageId: second.messageId, content: second.content, burst: [] });
    vi.useRealTimers();
    await rest.promote();
    const seen: MessageJob[] = [];
    startWorker(prefix, async (data) => (seen.push(data as MessageJob), { status: 'skipped', reason: 'not-emotional' }));
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    expect(seen[0]).toMatchObject({ messageId: second.messageId, content: second.content, burst: [] });
  });

  it('is named by no carrier once it has left Redis and the sweeps have gone on for hours', async () => {
    // In a DM: a server's job is also named by that server's own index, kept a week (GuildJobs).
    const { prefix, queue, first, second, jobId } = await burstOfTwo(null);
    await (await queue.queue.getJob(jobId))!.promote();
    startWorker(prefix, async () => ({ status: 'skipped', reason: 'not-emotional' }));
    await expect.poll(async () => (await queue.queue.getJob(jobId))?.getState(), { timeout: 10_000 }).toBe('completed');
    expect(await queue.carrierOf(first.messageId)).toBe(jobId);

    vi.useFakeTimers({ toFake: ['Date'] });
    await sweptFor(redis.connection, prefix, queue, THREE_HOURS_MS);

    expect(await queue.queue.getJob(jobId)).toBeUndefined();
    for (const message of [first, second]) expect(await queue.carrierOf(message.messageId)).toBeUndefined();
    for (const key of await redis.connection.keys(`${prefix}*`)) {
      const type = await redis.connection.type(key);
      if (type === 'string') expect(await redis.connection.get(key), key).not.toBe(jobId);
      if (type === 'zset') expect(await redis.connection.zscore(key, jobId), key).toBeNull();
    }
  });
});
