import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import { createDeletionHandler } from '../../../src/gateway/on-message-delete.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { handleMessageJob, type MessageJobDeps } from '../../../src/jobs/handle-message-job.js';
import { MAX_BURST_MESSAGES, messageJobId, type MessageJob } from '../../../src/jobs/message-job.js';
import { buildMessageJob, buildMessageJobDeps, snowflake } from '../../factories.js';
import { recordingReplier } from '../../support/recording-replier.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { redisReplyLimits } from '../../support/redis-reply-limits.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set unless a test wants it to. */
const LONG_WINDOW_MS = 30_000;

describe('the rest of a burst queued again after a deletion, and the messages that follow (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();
  const opened: MessageQueue[] = [];

  afterEach(async () => {
    for (const queue of opened.splice(0)) await queue.close();
  });

  /** One author's conversation in one channel, as the gateway queues it and handles its deletions. */
  function conversation() {
    const prefix = `{rest-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
    const deleted = new RedisDeletedMessages(redis.connection, prefix);
    const logger = createLogger('silent', 'test');
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const send = (job: MessageJob) => queueInBurst(queue, bursts, job, async () => true);
    const onDelete = createDeletionHandler({ deleted, queue, bursts, logger });
    return { prefix, queue, bursts, deleted, logger, say, send, onDelete };
  }

  const waiting = async (queue: MessageQueue) => (await queue.queue.getJobs(['delayed', 'waiting', 'prioritized'])).sort((x, y) => x.timestamp - y.timestamp);

  /** A worker's deps on the conversation's prefix: the real use case, with a Redis ledger and limiter. */
  function workerOf({ prefix, deleted, logger }: ReturnType<typeof conversation>, overrides: Partial<MessageJobDeps> = {}) {
    const { replier, posted } = recordingReplier();
    const prompts: string[] = [];
    const deps = buildMessageJobDeps({
      generator: {
        parallelism: 1,
        generate: async ({ prompt }) => (prompts.push(JSON.stringify(prompt)), { text: 'Oh no, hang in there!', tokens: 5, truncated: false, firstTokenMs: 1, totalMs: 1 }),
        dispose: async () => undefined,
      },
      replier,
      ...redisReplyLimits(redis.connection, prefix),
      logger,
      deleted,
      ...overrides,
    });
    return { deps, posted, prompts };
  }

  /**
   * With a user cooldown: the waiting job's first attempt takes the start, then Discord fails it;
   * while it waits for its retry, a deletion withdraws it. Returns the settings the worker reads.
   */
  async function failFirstAttemptThenDelete(chat: ReturnType<typeof conversation>, deletedId: string) {
    const settings = { ...DEFAULT_GUILD_SETTINGS, userCooldownSeconds: 60 };
    const cooling = { get: async () => settings, update: async () => settings };
    const discordDown = workerOf(chat, {
      settings: cooling,
      replier: { post: async () => Promise.reject(new FeelbotError(ErrorCodes.DiscordUnavailable, 'Discord answered 503')), findPosted: async () => undefined },
    });
    const [job] = await waiting(chat.queue);
    await expect(handleMessageJob(job!.data, discordDown.deps)).rejects.toThrow('503');
    await chat.onDelete([deletedId]);
    return cooling;
  }

  /** What the workers do with every job waiting, oldest first. */
  async function answerEveryWaitingJob(chat: ReturnType<typeof conversation>) {
    const { deps, posted, prompts } = workerOf(chat);
    const outcomes = [];
    for (const job of await waiting(chat.queue)) outcomes.push({ jobId: job.id, ...(await handleMessageJob(job.data, deps)) });
    return { outcomes, posted, prompts };
  }

  it("after a second deletion in the open burst, the author's next message joins the rest: one reply answers both", async () => {
    const chat = conversation();
    const [opener, typo, news, next] = [chat.say('ugh'), chat.say('typo'), chat.say('I failed my exam'), chat.say('and now I have to retake it')];
    for (const job of [opener, typo, news]) await chat.send(job);
    // The burst's id stays the opener's after it is deleted: the rest must stay under it.
    await chat.onDelete([opener.messageId]);
    await chat.onDelete([typo.messageId]);
    await chat.send(next);

    const jobs = await waiting(chat.queue);
    expect(jobs.map((job) => job.id)).toEqual([messageJobId(next.messageId)]);
    expect(jobs[0]!.data).toMatchObject({ content: 'I failed my exam\nand now I have to retake it', burst: [news.messageId] });

    const { outcomes, posted } = await answerEveryWaitingJob(chat);
    expect(outcomes).toMatchObject([{ jobId: messageJobId(next.messageId), status: 'posted' }]);
    expect(posted.map((reply) => reply.nonce)).toEqual([next.messageId]);
  });

  it(`a deletion in a burst longer than ${MAX_BURST_MESSAGES} messages keeps the rest in the burst: the next message joins it`, async () => {
    const chat = conversation();
    const lines = Array.from({ length: MAX_BURST_MESSAGES + 1 }, (_, i) => chat.say(`line ${i + 1}`));
    // The burst keeps its latest messages: the job's first message is no longer the one that opened the burst.
    for (const job of lines) await chat.send(job);
    await chat.onDelete([lines[4]!.messageId]);
    const last = chat.say('last line');
    await chat.send(last);

    const jobs = await waiting(chat.queue);
    expect(jobs.map((job) => job.id)).toEqual([messageJobId(last.messageId)]);
    expect(jobs[0]!.data.content).toContain('line 9\nlast line');

    const { outcomes, posted, prompts } = await answerEveryWaitingJob(chat);
    expect(outcomes).toMatchObject([{ jobId: messageJobId(last.messageId), status: 'posted' }]);
    expect(posted.map((reply) => reply.nonce)).toEqual([last.messageId]);
    expect(prompts.join()).not.toContain('line 5');
  });

  it("a message queued while a deletion queues the burst's rest again is not replaced by that older copy of the burst", async () => {
    const chat = conversation();
    const [opener, pet, regretted, worried] = [chat.say('so'), chat.say('my dog is sick'), chat.say('oops wrong chat'), chat.say('I am really worried')];
    for (const job of [opener, pet, regretted]) await chat.send(job);
    // Deletions are not serialised with the author's messages: the new message is queued between the
    // deletion leaving the burst and the rest being queued again.
    const racingBursts = {
      windowMs: chat.bursts.windowMs,
      forget: async (...args: Parameters<BurstBuffer['forget']>) => {
        const open = await chat.bursts.forget(...args);
        await chat.send(worried);
        return open;
      },
    };
    const onDelete = createDeletionHandler({ deleted: chat.deleted, queue: chat.queue, bursts: racingBursts, logger: chat.logger });
    await onDelete([regretted.messageId]);

    const jobs = await waiting(chat.queue);
    expect(jobs.map((job) => job.id)).toEqual([messageJobId(worried.messageId)]);
    expect(jobs[0]!.data).toMatchObject({ content: 'so\nmy dog is sick\nI am really worried', burst: [opener.messageId, pet.messageId] });
    expect(await everythingUnder(redis.connection, chat.prefix)).not.toContain('oops wrong chat');

    const { posted } = await answerEveryWaitingJob(chat);
    expect(posted.map((reply) => reply.nonce)).toEqual([worried.messageId]);
  });

  it("with a user cooldown, the rest of a burst whose reply failed once, withdrawn and queued again, keeps the start its first attempt took", async () => {
    const chat = conversation();
    const [regretted, kept] = [chat.say('ugh, my ex texted'), chat.say('my exam went badly')];
    for (const job of [regretted, kept]) await chat.send(job);
    const cooling = await failFirstAttemptThenDelete(chat, regretted.messageId);

    const { deps, posted } = workerOf(chat, { settings: cooling });
    const jobs = await waiting(chat.queue);
    expect(jobs.map((queued) => queued.id)).toEqual([messageJobId(kept.messageId)]);
    expect(await handleMessageJob(jobs[0]!.data, deps)).toMatchObject({ status: 'posted' });
    expect(posted.map((reply) => reply.nonce)).toEqual([kept.messageId]);
  });

  it("with a user cooldown, a failed attempt, a deletion of the burst's first message and then one more message: the burst is still answered", async () => {
    const chat = conversation();
    const [regretted, kept, more] = [chat.say('ugh, my ex texted'), chat.say('my exam went badly'), chat.say('and I have to retake it')];
    for (const job of [regretted, kept]) await chat.send(job);
    const cooling = await failFirstAttemptThenDelete(chat, regretted.messageId);
    // The author goes on while the rest waits in the open burst: the new job replaces the rest, and keeps its start.
    await chat.send(more);

    const { deps, posted } = workerOf(chat, { settings: cooling });
    const jobs = await waiting(chat.queue);
    expect(jobs.map((queued) => queued.id)).toEqual([messageJobId(more.messageId)]);
    expect(await handleMessageJob(jobs[0]!.data, deps)).toMatchObject({ status: 'posted' });
    expect(posted.map((reply) => reply.nonce)).toEqual([more.messageId]);
  });
});
