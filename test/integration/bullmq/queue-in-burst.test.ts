import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { createDeletionHandler } from '../../../src/gateway/on-message-delete.js';
import { classifiedText, MAX_BURST_MESSAGES, messageJobId, parseMessageJob, type MessageJob } from '../../../src/jobs/message-job.js';
import { shouldStayQuiet } from '../../../src/jobs/stay-quiet.js';
import { buildAnalysis, buildMessageJob, buildSettings, snowflake } from '../../factories.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set unless a test moves it. */
const WINDOW_MS = 30_000;

describe('queueInBurst, on a real Redis and BullMQ queue', () => {
  let redis: PrivateRedis;
  let connection: Redis;
  let queue: MessageQueue;
  let bursts: BurstBuffer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const prefix = `{burst-${randomUUID().slice(0, 8)}}`;
    queue = new MessageQueue(connection, prefix);
    bursts = new BurstBuffer(connection, prefix, WINDOW_MS);
  });

  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await redis?.stop();
  });

  /** One author's messages in one channel, each a job as the gateway builds it. */
  function conversation() {
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    return (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
  }
  const anyReplyMayStart = async () => true;

  /** A burst of one message whose job has left the delayed set, and a follow-up that comes too late for it. */
  async function burstAlreadyStarted() {
    const say = conversation();
    const first = say('guess what');
    const late = say('I passed my exam!');
    const opened = await queueInBurst(queue, bursts, first, anyReplyMayStart);
    await (await queue.queue.getJob(opened!.jobId))!.promote();
    return { say, first, late };
  }

  it('a follow-up replaces the delayed job with one that reads both messages', async () => {
    const say = conversation();
    const first = say('guess what');
    const second = say('I passed my exam!');
    await queueInBurst(queue, bursts, first, anyReplyMayStart);
    const queued = await queueInBurst(queue, bursts, second, anyReplyMayStart);

    expect(queued?.jobId).toBe(messageJobId(second.messageId));
    expect(await queue.queue.getJob(messageJobId(first.messageId))).toBeUndefined();
    const job = await queue.queue.getJob(queued!.jobId);
    expect(await job!.getState()).toBe('delayed');
    expect(job!.data).toMatchObject({ content: 'guess what\nI passed my exam!', burst: [first.messageId] });
  });

  /** What the gateway does with an edit: the open burst first, then the waiting job. */
  async function edit(job: MessageJob, content: string, rawContent?: string) {
    const carrier = await queue.carrierOf(job.messageId);
    await bursts.revise(job.channelId, job.author.id, job.messageId, { content, rawContent });
    return carrier ? queue.revise(carrier, job.messageId, { content, rawContent }) : undefined;
  }

  it("the classifier's text of a burst (mentions as markup) follows an edit, in its waiting job and the burst's later jobs", async () => {
    const say = conversation();
    const first = { ...say('see you in #general'), rawContent: 'see you in <#1100000000000000007>' };
    const second = { ...say('bye'), rawContent: 'bye' };
    await queueInBurst(queue, bursts, first, anyReplyMayStart);
    await queueInBurst(queue, bursts, second, anyReplyMayStart);
    await edit(first, 'rules are in #scary-stories', 'rules are in <#1100000000000000009>');
    const waiting = parseMessageJob((await queue.queue.getJob(messageJobId(second.messageId)))!.data);
    expect(waiting.content).toBe('rules are in #scary-stories\nbye');
    expect(classifiedText(waiting)).toBe('rules are in <#1100000000000000009>\nbye');
    const third = { ...say('ok @Bob'), rawContent: 'ok <@1100000000000000008>' };
    const queued = await queueInBurst(queue, bursts, third, anyReplyMayStart);
    const later = parseMessageJob((await queue.queue.getJob(queued!.jobId))!.data);
    expect(later.content).toBe('rules are in #scary-stories\nbye\nok @Bob');
    expect(classifiedText(later)).toBe('rules are in <#1100000000000000009>\nbye\nok <@1100000000000000008>');
    // An edit from a gateway that sends no raw text (a roll-out) leaves none of the old one behind.
    await edit(first, 'so happy');
    const fourth = { ...say('yes'), rawContent: 'yes' };
    const last = parseMessageJob((await queue.queue.getJob((await queueInBurst(queue, bursts, fourth, anyReplyMayStart))!.jobId))!.data);
    expect(classifiedText(last)).toBe('so happy\nbye\nok <@1100000000000000008>\nyes');
  });

  it("an edit of a burst's earlier message reaches its waiting job and the burst's later jobs", async () => {
    const say = conversation();
    const first = say('guess what');
    const second = say('I failed my exam');
    await queueInBurst(queue, bursts, first, anyReplyMayStart);
    await queueInBurst(queue, bursts, second, anyReplyMayStart);
    expect(await edit(first, 'guess what, again')).toBe(messageJobId(second.messageId));
    const job = await queue.queue.getJob(messageJobId(second.messageId));
    expect(await job!.getState()).toBe('delayed');
    expect(job!.data).toMatchObject({ content: 'guess what, again\nI failed my exam', parts: [{ content: 'guess what, again' }, { content: 'I failed my exam' }] });
    // The next message of the burst builds its job from the burst buffer, which has the edit too.
    const third = say('but I passed the retake!');
    const queued = await queueInBurst(queue, bursts, third, anyReplyMayStart);
    expect((await queue.queue.getJob(queued!.jobId))!.data.content).toBe('guess what, again\nI failed my exam\nbut I passed the retake!');
  });

  it('an edit once a worker holds the job, or after it finished, changes nothing; nor does one of a message never queued', async () => {
    // A queue of its own, so its worker takes no other test's job.
    const prefix = `{edit-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(connection, prefix);
    const bursts = new BurstBuffer(connection, prefix, WINDOW_MS);
    const edit = async (job: MessageJob, content: string) => {
      const carrier = await queue.carrierOf(job.messageId);
      await bursts.revise(job.channelId, job.author.id, job.messageId, { content });
      return carrier ? queue.revise(carrier, job.messageId, { content }) : undefined;
    };
    const say = conversation();
    const lone = say('I am so nervous');
    const opened = await queueInBurst(queue, bursts, lone, anyReplyMayStart);
    let finish = () => undefined as void;
    let worker: Worker | undefined;
    const workerConnection = connection.duplicate();
    const taken = new Promise<void>((resolveTaken) => {
      worker = new Worker(queue.queue.name, () => new Promise<void>((resolve) => ((finish = resolve), resolveTaken())), { connection: workerConnection, prefix: queue.queue.opts.prefix });
    });
    await (await queue.queue.getJob(opened!.jobId))!.promote();
    await taken;
    expect(await edit(lone, 'I am so nervous, edited')).toBeUndefined();
    finish();
    await vi.waitFor(async () => expect(await (await queue.queue.getJob(opened!.jobId))!.getState()).toBe('completed'));
    await worker!.close();
    workerConnection.disconnect();
    expect(await edit(lone, 'I am so nervous, edited again')).toBeUndefined();
    expect((await queue.queue.getJob(opened!.jobId))!.data.content).toBe('I am so nervous');
    expect(await edit(say('never queued'), 'edited')).toBeUndefined();
    await queue.close();
  });

  it('a message queued twice (a retry after Redis ran the first try but never answered) is in its burst once', async () => {
    const say = conversation();
    const first = say('guess what');
    const second = say('I passed my exam!');
    await queueInBurst(queue, bursts, first, anyReplyMayStart);
    await queueInBurst(queue, bursts, second, anyReplyMayStart);
    const again = await queueInBurst(queue, bursts, second, anyReplyMayStart);
    expect(again).toMatchObject({ jobId: messageJobId(second.messageId), duplicate: true });
    const job = await queue.queue.getJob(again!.jobId);
    expect(job!.data).toMatchObject({ content: 'guess what\nI passed my exam!', burst: [first.messageId] });
    // A retry whose first try stopped after the append (before the job was queued) appends nothing twice.
    const entry = { messageId: second.messageId, content: second.content, addressed: second.addressed };
    const burst = await bursts.append(second.channelId, second.author.id, entry);
    expect(burst.entries.map((e) => e.messageId)).toEqual([first.messageId, second.messageId]);
  });

  it.each(['while its burst is open', 'after its burst closed'])(
    "a burst's earlier message delivered again (a second gateway during a roll-out) %s is not queued again",
    async (when) => {
      const say = conversation();
      const [first, second] = [say('so tired today'), say('work was awful')];
      await queueInBurst(queue, bursts, first, anyReplyMayStart);
      await queueInBurst(queue, bursts, second, anyReplyMayStart);
      if (when === 'after its burst closed') {
        // Its window has passed: the burst's keys are gone, as when they expire.
        const prefix = queue.queue.opts.prefix!;
        await connection.del(`${prefix}:burst:${first.channelId}:${first.author.id}`, `${prefix}:burst-id:${first.channelId}:${first.author.id}`);
        expect(await bursts.isOpen(first.channelId, first.author.id)).toBe(false);
      }
      const again = await queueInBurst(queue, bursts, first, anyReplyMayStart);
      expect(again).toMatchObject({ jobId: messageJobId(second.messageId), duplicate: true });
      expect(await queue.queue.getJob(messageJobId(first.messageId))).toBeUndefined();
      expect((await queue.queue.getJob(messageJobId(second.messageId)))!.data).toMatchObject({ content: 'so tired today\nwork was awful' });
    },
  );

  it('a message that comes after its burst\'s job left the delayed set gets a job of its own, not lost', async () => {
    const { say, first, late } = await burstAlreadyStarted();
    const asked: string[] = [];
    const queued = await queueInBurst(queue, bursts, late, async (answeredBy) => {
      asked.push(answeredBy);
      return true;
    });

    expect(asked).toEqual([messageJobId(first.messageId)]);
    expect(queued?.jobId).toBe(messageJobId(late.messageId));
    expect(queued?.burst).toEqual({ id: late.messageId, entries: [{ messageId: late.messageId, content: late.content, addressed: true }], droppedAddressed: false });
    const lateJob = await queue.queue.getJob(queued!.jobId);
    expect(lateJob!.data).toMatchObject({ content: 'I passed my exam!', burst: [] });
    expect(await lateJob!.getState()).toBe('delayed');
    const firstJob = await queue.queue.getJob(messageJobId(first.messageId));
    expect(firstJob!.data.content).toBe('guess what');
    // Ready to be served: BullMQ names that state "prioritized" for a job with a priority, as replies have.
    expect(await firstJob!.getState()).toBe('prioritized');

    // The late message's new burst takes its own follow-ups again.
    const after = say('and I got the top mark');
    const folded = await queueInBurst(queue, bursts, after, anyReplyMayStart);
    expect((await queue.queue.getJob(folded!.jobId))!.data.content).toBe('I passed my exam!\nand I got the top mark');
  });

  it('when no new reply may start, the late message queues nothing and says so', async () => {
    const { late } = await burstAlreadyStarted();
    expect(await queueInBurst(queue, bursts, late, async () => false)).toBeUndefined();
    expect(await queue.queue.getJob(messageJobId(late.messageId))).toBeUndefined();
  });

  /** A line of a conversation that mentions the bot (or replies to it), or one that does not. */
  function talk() {
    const say = conversation();
    return { say: (content: string, addressed: boolean): MessageJob => ({ ...say(content), addressed }) };
  }

  /** What a worker decides on a queued job in a channel of the default reply mode (`mention`). */
  async function verdictOn(jobId: string) {
    const job = parseMessageJob((await queue.queue.getJob(jobId))!.data);
    return { lines: job.content.split('\n'), addressed: job.addressed, quiet: shouldStayQuiet(job, buildSettings(), buildAnalysis()) };
  }

  /** A mention followed quickly by MAX_BURST_MESSAGES more lines: the burst keeps only those lines. */
  async function mentionThenManyLines() {
    const { say } = talk();
    const mention = say('hey feelbot, I have news', true);
    const lines = Array.from({ length: MAX_BURST_MESSAGES }, (_, i) => say(`line ${i + 1}`, false));
    let queued;
    for (const job of [mention, ...lines]) queued = await queueInBurst(queue, bursts, job, anyReplyMayStart);
    return { say, mention, lines, jobId: queued!.jobId };
  }

  it(`a mention followed quickly by ${MAX_BURST_MESSAGES} more lines is still answered: the burst keeps its newest ${MAX_BURST_MESSAGES}, and the mention still counts`, async () => {
    const { lines, jobId } = await mentionThenManyLines();
    expect(jobId).toBe(messageJobId(lines.at(-1)!.messageId));
    expect(await verdictOn(jobId)).toEqual({ lines: lines.map((line) => line.content), addressed: true, quiet: undefined });
    const job = parseMessageJob((await queue.queue.getJob(jobId))!.data);
    expect(job.burst).toEqual(lines.slice(0, -1).map((line) => line.messageId));
  });

  it('a burst whose mention was dropped stays addressed when one of its lines is deleted, and when one more line joins it', async () => {
    const { say, lines } = await mentionThenManyLines();
    const prefix = queue.queue.opts.prefix!;
    const onDelete = createDeletionHandler({ deleted: new RedisDeletedMessages(connection, prefix), queue, bursts, logger: createLogger('silent', 'test') });
    await onDelete([lines[3]!.messageId]);
    const rest = await verdictOn(messageJobId(lines.at(-1)!.messageId));
    expect(rest).toEqual({ lines: lines.filter((_, i) => i !== 3).map((line) => line.content), addressed: true, quiet: undefined });

    const more = say('one more thing', false);
    const queued = await queueInBurst(queue, bursts, more, anyReplyMayStart);
    expect(queued?.jobId).toBe(messageJobId(more.messageId));
    expect(await verdictOn(queued!.jobId)).toMatchObject({ addressed: true, quiet: undefined });
  });

  it('a burst longer than it keeps, none of whose lines addressed the bot, stays unaddressed', async () => {
    const { say } = talk();
    let queued;
    for (let i = 0; i <= MAX_BURST_MESSAGES; i++) queued = await queueInBurst(queue, bursts, say(`line ${i + 1}`, false), anyReplyMayStart);
    expect(await verdictOn(queued!.jobId)).toMatchObject({ addressed: false, quiet: 'not-addressed' });
  });

  it('a dropped mention does not carry over to the burst a later message opens once the reply has started', async () => {
    const { say, jobId } = await mentionThenManyLines();
    await (await queue.queue.getJob(jobId))!.promote();
    const late = say('anyway, bye', false);
    const queued = await queueInBurst(queue, bursts, late, anyReplyMayStart);
    expect(queued?.jobId).toBe(messageJobId(late.messageId));
    expect(await verdictOn(queued!.jobId)).toEqual({ lines: ['anyway, bye'], addressed: false, quiet: 'not-addressed' });
  });

  /** The author's burst keys, by name: `burst` (its entries), `burst-id`, `burst-addressed`. */
  const burstKey = (job: MessageJob, name: string) => `${queue.queue.opts.prefix!}:${name}:${job.channelId}:${job.author.id}`;

  it("the mark of a dropped mention lives as long as its burst's other keys, and leaves with them", async () => {
    const { mention, lines } = await mentionThenManyLines();
    const ttls = await Promise.all(['burst', 'burst-id', 'burst-addressed'].map((name) => connection.pttl(burstKey(mention, name))));
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeLessThan(1_000);

    const open = await bursts.forget(mention.channelId, mention.author.id, [lines[0]!.messageId]);
    expect(open).toMatchObject({ id: mention.messageId, droppedAddressed: true });
    expect(await bursts.forget(mention.channelId, mention.author.id, lines.map((line) => line.messageId))).toBeUndefined();
    expect(await connection.exists(burstKey(mention, 'burst-addressed'))).toBe(0);
  });

  it('a burst opened after one whose mention was dropped never inherits it, though a gateway from before the mark left it behind', async () => {
    const { say, mention } = await mentionThenManyLines();
    // What such a gateway's restart (or a deletion of the whole burst) removes: the entries and the id.
    await connection.del(burstKey(mention, 'burst'), burstKey(mention, 'burst-id'));
    const [first, second] = [say('new topic', false), say('really', false)];
    await queueInBurst(queue, bursts, first, anyReplyMayStart);
    const queued = await queueInBurst(queue, bursts, second, anyReplyMayStart);
    expect(await verdictOn(queued!.jobId)).toEqual({ lines: ['new topic', 'really'], addressed: false, quiet: 'not-addressed' });
  });

  it('bursts of different authors in one channel never mix', async () => {
    const channelId = snowflake();
    const alice = buildMessageJob({ channelId, author: { id: snowflake(), displayName: 'Alice' }, content: 'I am so happy' });
    const bob = buildMessageJob({ channelId, author: { id: snowflake(), displayName: 'Bob' }, content: 'I am so sad' });
    const a = await queueInBurst(queue, bursts, alice, anyReplyMayStart);
    const b = await queueInBurst(queue, bursts, bob, anyReplyMayStart);
    expect((await queue.queue.getJob(a!.jobId))!.data.content).toBe('I am so happy');
    expect((await queue.queue.getJob(b!.jobId))!.data.content).toBe('I am so sad');
  });
});
