import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { withdrawOpenBurst } from '../../../src/gateway/withdraw-open-burst.js';
import type { MessageJob } from '../../../src/jobs/message-job.js';
import type { ReplyQueue } from '../../../src/ports/reply-queue.js';
import { buildMessageJob, snowflake } from '../../factories.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

const WINDOW_MS = 30_000;

let redis: PrivateRedis;
let c1: Redis;
let c2: Redis;
let g1: MessageQueue;
let g2: MessageQueue;
let prefix: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  c1 = new Redis(redis.url, { maxRetriesPerRequest: null });
  c2 = new Redis(redis.url, { maxRetriesPerRequest: null });
  prefix = `{withdraw-${randomUUID().slice(0, 8)}}`;
  g1 = new MessageQueue(c1, prefix);
  g2 = new MessageQueue(c2, prefix);
});
afterAll(async () => {
  await g1?.close();
  await g2?.close();
  c1?.disconnect();
  c2?.disconnect();
  await redis?.stop();
});

it("a burst withdrawn where the bot was turned off waits for another gateway's step on it, and takes that step's message too", async () => {
  const author = { id: snowflake(), displayName: 'Alice' };
  const channelId = snowflake();
  const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
  const yes = async () => true;
  const b1 = new BurstBuffer(c1, prefix, WINDOW_MS);
  const b2 = new BurstBuffer(c2, prefix, WINDOW_MS);
  await queueInBurst(g1, b1, say('my ex texted me'), yes);

  // Gateway 2, still reading the place as on, is queueing the author's next message; its enqueue lags.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reachedEnqueue!: () => void;
  const atEnqueue = new Promise<void>((resolve) => (reachedEnqueue = resolve));
  const lagging: ReplyQueue = Object.assign(Object.create(g2) as MessageQueue, {
    enqueueDebounced: async (job: MessageJob, burstId: string, windowMs: number) => {
      reachedEnqueue();
      await gate;
      return g2.enqueueDebounced(job, burstId, windowMs);
    },
  });
  const queueing = queueInBurst(lagging, b2, say('he wants to meet tomorrow'), yes);
  await atEnqueue;

  // Gateway 1 has read the place as off and withdraws the burst meanwhile.
  const withdrawing = withdrawOpenBurst(channelId, author.id, { queue: g1, bursts: b1 });
  await sleep(300);
  release();
  await Promise.all([queueing, withdrawing]);

  const left = await g1.queue.getJobs(['delayed', 'waiting', 'prioritized']);
  expect(left.filter((job) => (job.data as MessageJob).channelId === channelId).map((job) => (job.data as MessageJob).content)).toEqual([]);
  expect(await b1.isOpen(channelId, author.id)).toBe(false);
});
