import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { RedisEditedMessages } from '../../../src/adapters/redis/redis-edited-messages.js';
import { forgettingEdits } from '../../../src/gateway/forget-edits-of-deleted.js';
import { createDeletionHandler } from '../../../src/gateway/on-message-delete.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { messageJobId, type MessageJob } from '../../../src/jobs/message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { rewriteJobData } from '../../../src/adapters/bullmq/rewrite-job-data.js';
import { withoutQuoted } from '../../../src/adapters/bullmq/unquote-deleted.js';
import { createJobWorker, type JobHandler, type JobWorker } from '../../../src/worker/job-worker.js';
import { buildMessageJob, snowflake } from '../../factories.js';
import { passTime, sweptFor } from '../../support/pass-time.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set unless a test wants it to. */
const LONG_WINDOW_MS = 30_000;

/**
 * "A deleted message is never answered, and its text leaves Redis": a member's message is copied
 * into the context of the replies queued after it in the channel, and when that member deletes it,
 * its text leaves those other people's reply jobs too, waiting (which never expire while the
 * workers are down), under way or finished. Real Redis, real BullMQ, the gateway's deletion handler.
 */
describe("a deleted message quoted in another member's reply job", () => {
  const redis = usePrivateRedis();
  const opened: Array<{ close(): Promise<void> } | JobWorker> = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const thing of opened.splice(0).reverse()) await ('stop' in thing ? thing.stop(1_000) : thing.close());
  });

  function setUp() {
    const prefix = `{quoted-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
    const deleted = forgettingEdits(new RedisDeletedMessages(redis.connection, prefix), new RedisEditedMessages(redis.connection, prefix));
    const onDelete = createDeletionHandler({ deleted, queue, bursts, logger: createLogger('silent', 'test') });
    const send = (job: MessageJob) => queueInBurst(queue, bursts, job, async () => true);
    const stored = () => everythingUnder(redis.connection, prefix);
    const storedContext = async (job: MessageJob) => ((await queue.queue.getJob(messageJobId(job.messageId)))?.data as MessageJob).context;
    return { prefix, queue, onDelete, send, stored, storedContext };
  }

  function startWorker(prefix: string, reply: JobHandler) {
    const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply }, { concurrency: 1, lockDurationMs: 4_000, logger: createLogger('silent', 'test'), metrics: NO_METRICS });
    opened.push(worker);
    return worker;
  }

  const secret = 'my new address is 12 Elm Street, flat 4';
  const bobSaid = (messageId = snowflake()) => ({ messageId, authorName: 'Bob', authorId: snowflake(), content: secret });
  const carolSaid = { messageId: snowflake(), authorName: 'Carol', authorId: snowflake(), content: 'that sounds rough' };
  const aliceAsks = (context: MessageJob['context'], channelId = snowflake()) => buildMessageJob({ channelId, messageId: snowflake(), content: 'I am so sad today', context });

  it('leaves that job while it still waits for a worker, and the rest of its context stays', async () => {
    const { onDelete, send, stored, storedContext } = setUp();
    const bobs = bobSaid();
    const alice = aliceAsks([bobs, carolSaid]);
    await send(alice);

    await onDelete([bobs.messageId]);

    expect(await stored()).not.toContain('12 Elm Street');
    expect(await storedContext(alice)).toEqual([carolSaid]);
  });

  it('leaves a job that has waited for hours with the workers down, while a gateway sweeps the queue, and the worker that takes it then reads it without it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { prefix, queue, onDelete, send, stored, storedContext } = setUp();
    const bobs = bobSaid();
    const alice = aliceAsks([bobs, carolSaid]);
    await send(alice);
    await sweptFor(redis.connection, prefix, queue, 3 * 60 * 60_000);

    await onDelete([bobs.messageId]);

    expect(await stored()).not.toContain('12 Elm Street');
    expect(await storedContext(alice)).toEqual([carolSaid]);
    // The workers come back after Bob's deletion has left the gateway's markers too.
    await passTime(redis.connection, prefix, 2 * 60 * 60_000);
    vi.useRealTimers();
    const seen: MessageJob[] = [];
    await (await queue.queue.getJob(messageJobId(alice.messageId)))!.promote();
    startWorker(prefix, async (data) => (seen.push(data as MessageJob), { status: 'skipped', reason: 'not-emotional' }));
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.stringify(seen)).not.toContain('12 Elm Street');
    expect(seen[0]!.context).toEqual([carolSaid]);
  });

  it('keeps nothing of a job in its index once the job has left Redis and the sweeps have gone on for hours', async () => {
    const { prefix, queue } = setUp();
    startWorker(prefix, async () => ({ status: 'skipped', reason: 'not-emotional' }));
    const bobs = bobSaid();
    // In a DM: a server's job is also named by that server's own index, kept a week (GuildJobs).
    const alice = { ...aliceAsks([bobs]), guildId: null };
    const jobId = messageJobId(alice.messageId);
    await queueInBurst(queue, new BurstBuffer(redis.connection, prefix, 1), alice, async () => true);
    await expect.poll(async () => (await queue.queue.getJob(jobId))?.getState(), { timeout: 10_000 }).toBe('completed');

    vi.useFakeTimers({ toFake: ['Date'] });
    await sweptFor(redis.connection, prefix, queue, 3 * 60 * 60_000);

    expect(await queue.queue.getJob(jobId)).toBeUndefined();
    expect(await redis.connection.keys(`${prefix}*${bobs.messageId}*`)).toEqual([]);
    for (const key of await redis.connection.keys(`${prefix}*`)) {
      if ((await redis.connection.type(key)) === 'zset') expect(await redis.connection.zscore(key, jobId), key).toBeNull();
    }
  });

  it('leaves every waiting job that quotes it, in one deletion of several messages', async () => {
    const { onDelete, send, stored, storedContext } = setUp();
    const [bobs, bobsOther] = [bobSaid(), { ...bobSaid(), content: 'and my phone is 555 0199' }];
    const channelId = snowflake();
    const alice = aliceAsks([bobs, carolSaid], channelId);
    const dave = { ...aliceAsks([bobs, bobsOther], channelId), author: { id: snowflake(), displayName: 'Dave' } };
    for (const job of [alice, dave]) await send(job);

    await onDelete([bobs.messageId, bobsOther.messageId]);

    expect(await stored()).not.toMatch(/12 Elm Street|555 0199/);
    expect({ alice: await storedContext(alice), dave: await storedContext(dave) }).toEqual({ alice: [carolSaid], dave: [] });
  });

  it('leaves that job once it is finished', async () => {
    const { prefix, onDelete, stored, queue } = setUp();
    startWorker(prefix, async () => ({ status: 'skipped', reason: 'not-emotional' }));
    const bobs = bobSaid();
    const alice = aliceAsks([bobs]);
    await queueInBurst(queue, new BurstBuffer(redis.connection, prefix, 1), alice, async () => true);
    await expect.poll(async () => (await queue.queue.getJob(messageJobId(alice.messageId)))?.getState(), { timeout: 10_000 }).toBe('completed');

    await onDelete([bobs.messageId]);

    expect(await stored()).not.toContain('12 Elm Street');
  });

  it('leaves that job while a worker answers it, and the next attempt reads the job without it', async () => {
    const { prefix, queue, onDelete, stored } = setUp();
    const seen: MessageJob[] = [];
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    startWorker(prefix, async (data) => {
      seen.push(data as MessageJob);
      // The first attempt fails once the deletion has landed, so the retry reads the job as stored then.
      if (seen.length === 1) {
        await held;
        throw new Error('the model went away');
      }
      return { status: 'skipped', reason: 'not-emotional' };
    });
    const bobs = bobSaid();
    const alice = aliceAsks([bobs, carolSaid]);
    await queueInBurst(queue, new BurstBuffer(redis.connection, prefix, 1), alice, async () => true);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);

    await onDelete([bobs.messageId]);
    expect(await queue.queue.getJob(messageJobId(alice.messageId)).then((job) => job?.getState())).toBe('active');
    expect(await stored()).not.toContain('12 Elm Street');
    release();

    await expect.poll(() => seen.length, { timeout: 15_000 }).toBe(2);
    expect(seen[1]!.context).toEqual([carolSaid]);
  });

  it('leaves a job queued after the deletion was recorded, from a history read before it', async () => {
    const { onDelete, send, stored, storedContext } = setUp();
    const bobs = bobSaid();
    await onDelete([bobs.messageId]);

    // The gateway read the channel's history (Bob's message with it) before the deletion arrived.
    const alice = aliceAsks([bobs, carolSaid]);
    await send(alice);

    expect(await stored()).not.toContain('12 Elm Street');
    expect(await storedContext(alice)).toEqual([carolSaid]);
  });

  it('leaves a job quoting other messages as it was', async () => {
    const { onDelete, send, storedContext, queue } = setUp();
    const alice = aliceAsks([carolSaid]);
    await send(alice);
    const before = (await queue.queue.getJob(messageJobId(alice.messageId)))!.data as unknown;

    await onDelete([bobSaid().messageId]);

    expect((await queue.queue.getJob(messageJobId(alice.messageId)))!.data).toEqual(before);
    expect(await storedContext(alice)).toEqual([carolSaid]);
  });

  it("keeps an edit of the job's own message revised into it while the deletion rewrote it", async () => {
    const { queue, send, stored } = setUp();
    const bobs = bobSaid();
    const alice = aliceAsks([bobs, carolSaid]);
    await send(alice);
    const jobId = messageJobId(alice.messageId);
    let edits = 0;

    // The edit lands after the rewrite read the job and before it writes: the write must not undo it.
    const rewritten = await rewriteJobData(redis.connection, queue.queue.toKey(jobId), async (data) => {
      if ((edits += 1) === 1) expect(await queue.revise(jobId, alice.messageId, { content: 'I am so sad today, really' })).toBe(jobId);
      return withoutQuoted(data, new Set([bobs.messageId]));
    });

    expect(rewritten).toBe(true);
    expect((await queue.queue.getJob(jobId))!.data).toMatchObject({ content: 'I am so sad today, really', context: [carolSaid] });
    expect(await stored()).not.toContain('12 Elm Street');
  });
});
