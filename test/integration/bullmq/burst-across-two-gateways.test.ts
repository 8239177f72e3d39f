import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { BURST_LOCK_OPTIONS } from '../../../src/adapters/redis/burst-lock.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { reviseInBurst } from '../../../src/gateway/revise-in-burst.js';
import { withdrawOpenBurst } from '../../../src/gateway/withdraw-open-burst.js';
import { parseMessageJob, type MessageJob } from '../../../src/jobs/message-job.js';
import type { ReplyQueue } from '../../../src/ports/reply-queue.js';
import { buildMessageJob, snowflake } from '../../factories.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

const WINDOW_MS = 30_000;

/**
 * How long the other gateway goes on while one gateway's enqueue lags: far longer than it needs to
 * finish (a few ms), so a gateway that does not wait for the lagging one has finished by then.
 */
const LAG_MS = 1_000;

/** Resolves once `work` settles, or after `ms` if it is still waiting (for the lagging gateway). */
async function settledOrAfter(work: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([work.then(() => undefined, () => undefined), sleep(ms)]);
}

/** `queue` as a gateway whose enqueue round trip lags: held once it reaches the enqueue (`atEnqueue`) until `release`. */
function laggingAtEnqueue(queue: MessageQueue): { lagging: ReplyQueue; atEnqueue: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reachedEnqueue!: () => void;
  const atEnqueue = new Promise<void>((resolve) => (reachedEnqueue = resolve));
  const lagging: ReplyQueue = Object.assign(Object.create(queue) as MessageQueue, {
    enqueueDebounced: async (job: MessageJob, burstId: string, windowMs: number) => {
      reachedEnqueue();
      await gate;
      return queue.enqueueDebounced(job, burstId, windowMs);
    },
  });
  return { lagging, atEnqueue, release };
}

describe('two gateways during a roll-out both receive a quick burst (real Redis, BullMQ)', () => {
  let redis: PrivateRedis;
  let c1: Redis;
  let c2: Redis;
  let g1: MessageQueue;
  let g2: MessageQueue;
  let b1: BurstBuffer;
  let b2: BurstBuffer;
  let prefix: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    c1 = new Redis(redis.url, { maxRetriesPerRequest: null });
    c2 = new Redis(redis.url, { maxRetriesPerRequest: null });
    prefix = `{race-${randomUUID().slice(0, 8)}}`;
    g1 = new MessageQueue(c1, prefix);
    g2 = new MessageQueue(c2, prefix);
    b1 = new BurstBuffer(c1, prefix, WINDOW_MS);
    b2 = new BurstBuffer(c2, prefix, WINDOW_MS);
  });
  afterAll(async () => {
    await g1?.close();
    await g2?.close();
    c1?.disconnect();
    c2?.disconnect();
    await redis?.stop();
  });

  it("the lagging gateway's copy of the first message does not replace the job that already reads the second", async () => {
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const first = say('guess what');
    const second = say('I passed my exam!');
    const yes = async () => true;

    // Gateway 2 takes the first message a moment later (its event, or its enqueue round trip, lags a little).
    const { lagging, atEnqueue, release } = laggingAtEnqueue(g2);
    const g2First = queueInBurst(lagging, b2, first, yes);
    await atEnqueue;

    // Gateway 1 queues both messages meanwhile (in order, as it takes one author's messages), as far as it can.
    const g1Both = (async () => {
      await queueInBurst(g1, b1, first, yes);
      await queueInBurst(g1, b1, second, yes);
    })();
    await settledOrAfter(g1Both, LAG_MS);
    release();
    await g2First;
    await g1Both;

    const waiting = await g1.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    const texts = waiting.map((job) => parseMessageJob(job.data).content);
    const carrier = await g1.carrierOf(second.messageId);
    const carrierJob = carrier ? await g1.queue.getJob(carrier) : undefined;
    // Every message of the burst is still answered by some waiting job, and its carrier names a job that exists.
    expect({ texts, carrier, carrierExists: carrierJob !== undefined }).toEqual({
      texts: ['guess what\nI passed my exam!'],
      carrier: expect.any(String),
      carrierExists: true,
    });
  });

  it("an edit another gateway makes while this one queues the burst's next message reaches the burst's reply", async () => {
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const first = say('I failed my exam');
    const second = say('anyway');
    const yes = async () => true;
    await queueInBurst(g1, b1, first, yes);

    // Gateway 1 takes the second message; its queueing round trip lags a little.
    const { lagging, atEnqueue, release } = laggingAtEnqueue(g1);
    const queueing = queueInBurst(lagging, b1, second, yes);
    await atEnqueue;
    // Gateway 2 handles the author's edit of the first message meanwhile, as the gateway does (the open burst, then the waiting job), as far as it can.
    const edited = { content: 'I passed my exam', rawContent: 'I passed my exam' };
    const editing = reviseInBurst({ channelId, authorId: author.id, messageId: first.messageId }, edited, { queue: g2, bursts: b2 });
    await settledOrAfter(editing, LAG_MS);
    release();
    const queued = await queueing;
    await editing;

    const job = await g1.queue.getJob(queued!.jobId);
    expect(parseMessageJob(job!.data).content).toBe('I passed my exam\nanyway');
  });

  it("a gateway that loses Redis while it holds an author's burst holds up the other gateways for the lock's TTL at most", async () => {
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const first = buildMessageJob({ channelId, author, content: 'guess what', messageId: snowflake() });
    const yes = async () => true;
    // Gateway 2's connection goes (a host gone, a network cut) after it appended the message, before it queued it: it never releases the lock.
    const lost = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => null });
    const cut: ReplyQueue = Object.assign(Object.create(g2) as MessageQueue, {
      enqueueDebounced: async () => {
        lost.disconnect();
        throw new Error('Connection is closed.');
      },
    });
    await expect(queueInBurst(cut, new BurstBuffer(lost, prefix, WINDOW_MS), first, yes)).rejects.toThrow();

    // Gateway 1 takes the same message (Discord delivers it again after gateway 2's session is gone).
    const startedAt = Date.now();
    const queued = await queueInBurst(g1, b1, first, yes);
    const waitedMs = Date.now() - startedAt;
    const job = queued ? await g1.queue.getJob(queued.jobId) : undefined;
    expect({ content: job && parseMessageJob(job.data).content, inTime: waitedMs <= BURST_LOCK_OPTIONS.ttlMs + 2_000 }).toEqual({
      content: 'guess what',
      inTime: true,
    });
  });

  it("a burst withdrawn where the bot was turned off waits for another gateway's step on it, and takes that step's message too", async () => {
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const yes = async () => true;
    await queueInBurst(g1, b1, say('my ex texted me'), yes);

    // Gateway 2, still reading the place as on, is queueing the author's next message; its enqueue lags.
    const { lagging, atEnqueue, release } = laggingAtEnqueue(g2);
    const queueing = queueInBurst(lagging, b2, say('he wants to meet tomorrow'), yes);
    await atEnqueue;
    // Gateway 1 has read the place as off and withdraws the burst meanwhile, as far as it can.
    const withdrawing = withdrawOpenBurst(channelId, author.id, { queue: g1, bursts: b1 });
    await settledOrAfter(withdrawing, LAG_MS);
    release();
    await Promise.all([queueing, withdrawing]);

    const left = await g1.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(left.map((job) => parseMessageJob(job.data)).filter((job) => job.channelId === channelId)).toEqual([]);
    expect(await b1.isOpen(channelId, author.id)).toBe(false);
  });
});
