import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { createDeletionHandler } from '../../../src/gateway/on-message-delete.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { messageJobId, type MessageJob } from '../../../src/jobs/message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler, type JobWorker } from '../../../src/worker/job-worker.js';
import { buildAnalysisJob, buildMessageJob, snowflake } from '../../factories.js';
import { everythingUnder as storedUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set unless a test wants it to. */
const LONG_WINDOW_MS = 30_000;
const HOUR_SECONDS = 3_600;


describe('what finished and withdrawn jobs leave in Redis (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();

  const everythingUnder = (prefix: string) => storedUnder(redis.connection, prefix);
  const opened: Array<{ close(): Promise<void> } | JobWorker> = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const thing of opened.splice(0).reverse()) await ('stop' in thing ? thing.stop(1_000) : thing.close());
  });

  function freshQueue() {
    const prefix = `{retention-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    return { queue, prefix };
  }

  function startWorker(prefix: string, handlers: Record<string, JobHandler>) {
    const worker = createJobWorker(redis.connection.duplicate(), prefix, handlers, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
    });
    opened.push(worker);
    return worker;
  }

  it('an answered /feel job leaves Redis at once, interaction token and all', async () => {
    const { queue, prefix } = freshQueue();
    const job = buildAnalysisJob({ text: 'I am scared of the storm' });
    const handled: unknown[] = [];
    startWorker(prefix, { analysis: async (data) => (handled.push(data), { status: 'answered' }) });
    await queue.enqueueAnalysis(job);
    await expect.poll(() => handled.length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => queue.queue.getJob(analysisJobId(job.interactionId)), { timeout: 10_000 }).toBeUndefined();
    expect(handled).toEqual([job]);
    expect(await everythingUnder(prefix)).not.toContain(job.token);
  });

  it('an answered /feel queued again (a second gateway during a roll-out, late) is not answered twice, and nothing of the first job stays but its key', async () => {
    const { queue, prefix } = freshQueue();
    const job = buildAnalysisJob({ text: 'I am scared of the storm' });
    const handled: unknown[] = [];
    startWorker(prefix, { analysis: async (data) => (handled.push(data), { status: 'answered' }) });
    await queue.enqueueAnalysis(job);
    await expect.poll(async () => queue.queue.getJob(analysisJobId(job.interactionId)), { timeout: 10_000 }).toBeUndefined();
    await queue.enqueueAnalysis(job);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(handled).toEqual([job]);
    expect(await queue.queue.getJob(analysisJobId(job.interactionId))).toBeUndefined();
    expect(await everythingUnder(prefix)).not.toContain(job.token);
  });

  it('a failed /feel job is kept for a short look only', async () => {
    const { queue, prefix } = freshQueue();
    const job = buildAnalysisJob({ text: 'I am scared of the storm' });
    startWorker(prefix, { analysis: async () => Promise.reject(new FeelbotError(ErrorCodes.JobInvalid, 'bad', { permanent: true })) });
    await queue.enqueueAnalysis(job);
    const stored = async () => queue.queue.getJob(analysisJobId(job.interactionId));
    await expect.poll(async () => (await stored())?.getState(), { timeout: 10_000 }).toBe('failed');
    expect((await stored())!.opts.removeOnFail).toEqual({ age: HOUR_SECONDS });
  });

  it("a reply job's text stays minutes after its reply, an hour after a failure, not days", async () => {
    const { queue } = freshQueue();
    const message = buildMessageJob();
    await queue.enqueueDebounced(message, `burst-${message.messageId}`, LONG_WINDOW_MS);
    const { opts } = (await queue.queue.getJob(messageJobId(message.messageId)))!;
    expect((opts.removeOnComplete as { age: number }).age).toBeLessThanOrEqual(10 * 60);
    expect((opts.removeOnFail as { age: number }).age).toBeLessThanOrEqual(HOUR_SECONDS);
  });

  it('a message queued again right after its reply is still not answered twice', async () => {
    const { queue, prefix } = freshQueue();
    const handled: unknown[] = [];
    startWorker(prefix, { reply: async (data) => (handled.push(data), { status: 'posted' }) });
    const message = buildMessageJob();
    await queue.enqueueDebounced(message, `burst-${message.messageId}`, 1);
    const stored = () => queue.queue.getJob(messageJobId(message.messageId));
    await expect.poll(async () => (await stored())?.getState(), { timeout: 10_000 }).toBe('completed');
    const { finishedOn } = (await stored())!;
    // The same MESSAGE_CREATE again, as a resuming gateway may deliver it.
    expect(await queue.enqueueDebounced(message, `burst-again-${message.messageId}`, 1)).toBe(messageJobId(message.messageId));
    // Nothing was queued: the completed job is the one BullMQ knows, finished once, and no other waits.
    expect((await stored())!.finishedOn).toBe(finishedOn);
    expect(await queue.queue.getJobCounts('delayed', 'waiting', 'prioritized', 'active')).toMatchObject({ delayed: 0, waiting: 0, prioritized: 0, active: 0 });
    expect(handled).toHaveLength(1);
  });

  it("a deleted message's waiting reply is withdrawn, and so is the burst job that carries its text", async () => {
    const { queue, prefix } = freshQueue();
    const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
    const author = { id: snowflake(), displayName: 'Ann' };
    const channelId = snowflake();
    const say = (content: string) => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const [first, second] = [say('guess what'), say('I said something I regret')];
    await queueInBurst(queue, bursts, first, async () => true);
    const burst = await queueInBurst(queue, bursts, second, async () => true);
    expect(burst!.jobId).toBe(messageJobId(second.messageId));

    // Deleting the burst's first message takes the burst's job: it carries that text too.
    expect((await queue.withdraw([first.messageId])).map((w) => w.jobId)).toEqual([messageJobId(second.messageId)]);
    expect(await queue.queue.getJob(messageJobId(second.messageId))).toBeUndefined();

    const lone = buildMessageJob();
    await queue.enqueueDebounced(lone, `burst-${lone.messageId}`, LONG_WINDOW_MS);
    expect(await queue.withdraw([lone.messageId, snowflake()])).toEqual([
      { jobId: messageJobId(lone.messageId), rest: undefined, burst: { queuedUnder: `burst-${lone.messageId}`, channelId: lone.channelId, authorId: lone.author.id } },
    ]);
    expect(await queue.queue.getJob(messageJobId(lone.messageId))).toBeUndefined();
  });

  describe('a deletion inside a burst still answers the messages that are left', () => {
    function burstOf(prefix: string, queue: MessageQueue, windowMs = LONG_WINDOW_MS) {
      const bursts = new BurstBuffer(redis.connection, prefix, windowMs);
      const author = { id: snowflake(), displayName: 'Ann' };
      const channelId = snowflake();
      const say = (content: string) => buildMessageJob({ channelId, author, content, messageId: snowflake() });
      const send = (job: ReturnType<typeof say>) => queueInBurst(queue, bursts, job, async () => true);
      const onDelete = createDeletionHandler({ deleted: new RedisDeletedMessages(redis.connection, prefix), queue, bursts, logger: createLogger('silent', 'test') });
      const burstKey = `${prefix}:burst:${channelId}:${author.id}`;
      return { say, send, onDelete, burstKey };
    }
    const waiting = async (queue: MessageQueue) => (await queue.queue.getJobs(['delayed', 'waiting', 'prioritized'])).map((job) => job.data as MessageJob);

    it("the burst's first message deleted: the rest is queued again, without its text", async () => {
      const { queue, prefix } = freshQueue();
      const { say, send, onDelete } = burstOf(prefix, queue);
      const [first, second, third] = [say('I said something I regret'), say('anyway'), say('how is everyone')];
      for (const job of [first, second, third]) await send(job);
      await onDelete([first.messageId]);
      const jobs = await waiting(queue);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ messageId: third.messageId, content: 'anyway\nhow is everyone', burst: [second.messageId] });
      expect(await everythingUnder(prefix)).not.toContain('I said something I regret');
    });

    it("an edit made while a deletion had the burst's job out of the queue is kept in the rest queued again", async () => {
      const { queue, prefix } = freshQueue();
      const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
      const channelId = snowflake();
      const author = { id: snowflake(), displayName: 'Alice' };
      const say = (content: string) => buildMessageJob({ channelId, author, content, messageId: snowflake() });
      const [first, second, third] = [say('I said something I regret'), say('I am so hapy'), say('how is everyone')];
      for (const job of [first, second, third]) await queueInBurst(queue, bursts, job, async () => true);
      // The edit lands between the withdrawal (which read the job) and the rest being queued again, as the gateway would apply it.
      const racing = Object.assign(Object.create(queue) as MessageQueue, {
        withdraw: async (ids: readonly string[]) => {
          const withdrawn = await queue.withdraw(ids);
          await bursts.revise(channelId, author.id, second.messageId, { content: 'I am so happy' });
          expect(await queue.revise((await queue.carrierOf(second.messageId))!, second.messageId, { content: 'I am so happy' })).toBeUndefined();
          return withdrawn;
        },
      });
      const onDelete = createDeletionHandler({ deleted: new RedisDeletedMessages(redis.connection, prefix), queue: racing, bursts, logger: createLogger('silent', 'test') });
      await onDelete([first.messageId]);
      const jobs = await waiting(queue);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ messageId: third.messageId, content: 'I am so happy\nhow is everyone' });
      expect(JSON.stringify(jobs[0])).not.toContain('hapy');
    });

    it("the burst's newest message deleted: the earlier ones are answered as the burst", async () => {
      const { queue, prefix } = freshQueue();
      const { say, send, onDelete } = burstOf(prefix, queue);
      const [first, second] = [say('today was awful'), say('my boss yelled at me')];
      for (const job of [first, second]) await send(job);
      await onDelete([second.messageId]);
      const jobs = await waiting(queue);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ messageId: first.messageId, content: 'today was awful', burst: [] });
      expect(await everythingUnder(prefix)).not.toContain('my boss yelled at me');
    });

    it('a message sent after the burst lost its only message opens a burst of its own, not silenced by the deleted one', async () => {
      const { queue, prefix } = freshQueue();
      const { say, send, onDelete } = burstOf(prefix, queue);
      const [regretted, next] = [say('oops wrong channel'), say('so scared about tomorrow')];
      await send(regretted);
      await onDelete([regretted.messageId]);
      expect(await waiting(queue)).toEqual([]);
      await send(next);
      const jobs = await waiting(queue);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ messageId: next.messageId, content: 'so scared about tomorrow', burst: [] });
    });

    it('a deletion after the burst window closed, while the job still waits for a worker: the rest is still queued', async () => {
      const { queue, prefix } = freshQueue();
      const { say, send, onDelete, burstKey } = burstOf(prefix, queue, 300);
      const [first, second, third] = [say('I said something I regret'), say('anyway'), say('how is everyone')];
      for (const job of [first, second, third]) await send(job);
      // Past the window: the burst buffer is gone, and with no worker free the job still waits.
      await expect.poll(async () => redis.connection.exists(burstKey), { timeout: 5_000 }).toBe(0);
      await onDelete([first.messageId]);
      const jobs = await waiting(queue);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ messageId: third.messageId, content: 'anyway\nhow is everyone', burst: [second.messageId] });
      expect(await everythingUnder(prefix)).not.toContain('I said something I regret');
    });

    it('a withdrawal Redis carried out but never answered (a timeout) is retried, and the rest of the burst is still answered', async () => {
      const { queue, prefix } = freshQueue();
      const { say, send, onDelete } = burstOf(prefix, queue);
      const [regretted, kept] = [say('I said something I regret'), say('I passed my exam!')];
      for (const job of [regretted, kept]) await send(job);
      const remove = queue.queue.remove.bind(queue.queue);
      let timedOut = false;
      vi.spyOn(queue.queue, 'remove').mockImplementation(async (...args) => {
        const removed = await remove(...args);
        if (timedOut) return removed;
        timedOut = true;
        throw new Error('Command timed out');
      });
      await onDelete([regretted.messageId]);
      expect(timedOut).toBe(true);
      const jobs = await waiting(queue);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ messageId: kept.messageId, content: 'I passed my exam!', burst: [] });
      expect(await everythingUnder(prefix)).not.toContain('I said something I regret');
      // The copy kept for the retry is gone once the rest is queued.
      expect(await redis.connection.keys(`${prefix}:withdrawn:*`)).toEqual([]);
    });

    it.each(['before', 'after'])(
      "a message the author sends while a deletion of the burst is being applied is still answered (its own deletion check runs %s the deletion's re-queue)",
      async (order) => {
        const { queue, prefix } = freshQueue();
        const { say, send, onDelete } = burstOf(prefix, queue);
        const deleted = new RedisDeletedMessages(redis.connection, prefix);
        const [opener, typo, retyped] = [say('guess what'), say('I pased'), say('I passed my exam!')];
        for (const job of [opener, typo]) await send(job);
        // What the gateway does with a new message: queue it, then withdraw what was deleted meanwhile.
        const checkDeletions = async () => {
          const gone = await deleted.deletedAmong([opener, typo, retyped].map((m) => m.messageId));
          if (gone.length > 0) await onDelete(gone);
        };
        const remove = queue.queue.remove.bind(queue.queue);
        let interleaved = false;
        vi.spyOn(queue.queue, 'remove').mockImplementation(async (...args) => {
          if (!interleaved) {
            interleaved = true;
            // The retyped message is queued between the deletion reading the burst's job and removing it.
            await send(retyped);
            if (order === 'before') await checkDeletions();
          }
          return remove(...args);
        });
        await onDelete([typo.messageId]);
        if (order === 'after') await checkDeletions();
        expect(interleaved).toBe(true);
        const jobs = await waiting(queue);
        expect(jobs).toHaveLength(1);
        expect(jobs[0]).toMatchObject({ messageId: retyped.messageId, content: 'guess what\nI passed my exam!', burst: [opener.messageId] });
        expect(await everythingUnder(prefix)).not.toContain('I pased');
      },
    );

    it('a whole burst deleted at once (a bulk delete) leaves nothing queued', async () => {
      const { queue, prefix } = freshQueue();
      const { say, send, onDelete } = burstOf(prefix, queue);
      const messages = [say('one'), say('two')];
      for (const job of messages) await send(job);
      await onDelete(messages.map((m) => m.messageId));
      expect(await waiting(queue)).toEqual([]);
      expect(await everythingUnder(prefix)).not.toMatch(/"content":"(one|two)"/);
    });
  });

  it('a reply a worker is already writing is left to the worker, which checks for deletions itself', async () => {
    const { queue, prefix } = freshQueue();
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    startWorker(prefix, {
      reply: () =>
        new Promise((resolve) => {
          started();
          release = () => resolve({ status: 'skipped', reason: 'deleted' });
        }),
    });
    const message = buildMessageJob();
    await queue.enqueueDebounced(message, `burst-${message.messageId}`, 1);
    await running;
    try {
      expect(await queue.withdraw([message.messageId])).toEqual([]);
      expect(await (await queue.queue.getJob(messageJobId(message.messageId)))!.getState()).toBe('active');
    } finally {
      release();
    }
  });

  it("the gateway's sweep removes finished jobs past their retention on a queue where nothing else finishes", async () => {
    const { queue, prefix } = freshQueue();
    startWorker(prefix, {
      reply: async (data) => {
        if ((data as { content: string }).content === 'fail me') throw new FeelbotError(ErrorCodes.JobInvalid, 'bad', { permanent: true });
        return { status: 'posted' };
      },
    });
    const answered = buildMessageJob({ content: 'answer me' });
    const failed = buildMessageJob({ content: 'fail me' });
    for (const job of [answered, failed]) await queue.enqueueDebounced(job, `burst-${job.messageId}`, 1);
    const state = async (job: typeof answered) => (await queue.queue.getJob(messageJobId(job.messageId)))?.getState();
    await expect.poll(() => state(answered), { timeout: 10_000 }).toBe('completed');
    await expect.poll(() => state(failed), { timeout: 10_000 }).toBe('failed');

    const start = Date.now();
    const sweepAt = async (laterMs: number) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(start + laterMs);
      try {
        return await queue.sweep();
      } finally {
        vi.useRealTimers();
      }
    };
    expect(await sweepAt(0)).toEqual({ completed: 0, failed: 0 });
    expect(await state(answered)).toBe('completed');

    expect(await sweepAt(11 * 60_000)).toEqual({ completed: 1, failed: 0 });
    expect(await state(answered)).toBeUndefined();
    expect(await state(failed)).toBe('failed');

    expect(await sweepAt(61 * 60_000)).toEqual({ completed: 0, failed: 1 });
    expect(await state(failed)).toBeUndefined();
    expect(await everythingUnder(prefix)).not.toContain('fail me');
  });
});
