import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob, type JobHold } from '../../../src/jobs/handle-message-job.js';
import type { PostAttempt } from '../../../src/ports/delivery-ledger.js';
import { buildMessageJobDeps } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { useCleanups } from '../../support/cleanups.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { startSplittableRedisLink, type SplittableRedisLink } from '../../support/splittable-redis-link.js';
import { webhookReplyChannel, type WebhookReplyChannel } from '../../support/webhook-reply-channel.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();
const cleanups = useCleanups();

type RecordAttempt = RedisDeliveryLedger['recordAttempt'];

/** A channel, and worker A's ledger reaching Redis through a link a split can cut; worker B's reaches it directly. */
async function twoWorkers(name: string): Promise<{ channel: WebhookReplyChannel; link: SplittableRedisLink; ledgerA: RedisDeliveryLedger; ledgerB: RedisDeliveryLedger }> {
  const channel = webhookReplyChannel(fake.discord, redis.connection, name);
  const link = await startSplittableRedisLink(redis.server.port);
  cleanups.push(() => link.close());
  // Worker A's connection, as start-worker makes it: commands wait for Redis however long it is away.
  const workerA: Redis = createRedis(link.url, 'worker', 'feelbot-worker-a');
  cleanups.push(() => workerA.disconnect());
  return { channel, link, ledgerA: new RedisDeliveryLedger(workerA, channel.prefix), ledgerB: new RedisDeliveryLedger(redis.connection, channel.prefix) };
}

/** `ledger` with its recordAttempt replaced; everything else as it is. */
function withRecordAttempt(ledger: RedisDeliveryLedger, recordAttempt: RecordAttempt): RedisDeliveryLedger {
  return Object.assign(Object.create(ledger) as RedisDeliveryLedger, { recordAttempt });
}

const codeOrStatus = (outcome: unknown) => (outcome as { code?: string }).code ?? (outcome as { status?: string }).status;

describe('a worker cut off from Redis (a network split) in the note it makes right before its send', () => {
  it('does not send once the split heals: the worker that took the job over meanwhile has posted the reply', async () => {
    const { channel, link, ledgerA, ledgerB } = await twoWorkers('split');
    const job = channel.job();

    // A holds the job until the split outlasts its lock and B takes it over; A is asked again only if the code asks.
    let takenOver = false;
    const runA: JobHold = { holdsJob: async () => !takenOver };
    let rescued: unknown;
    const splitAtTheNote = withRecordAttempt(ledgerA, async (...args) => {
      // The split begins as A sends its note: its command waits in the link.
      link.split();
      const noting = ledgerA.recordAttempt(...args);
      // Past JOB_LOCK_MS, BullMQ hands the job to worker B, which writes and posts the reply.
      takenOver = true;
      rescued = await handleMessageJob(job, buildMessageJobDeps({ ledger: ledgerB, replier: channel.replier }));
      // The split heals: A's note reaches Redis and is answered.
      link.heal();
      return noting;
    });

    const outcomeA = await handleMessageJob(job, buildMessageJobDeps({ ledger: splitAtTheNote, replier: channel.replier }), undefined, runA).catch((error: unknown) => error);

    expect(rescued).toMatchObject({ status: 'posted' });
    // One reply in the channel: A, which no longer holds its job, must not send after its wait for Redis.
    expect({ posts: channel.replies().length, outcomeA: codeOrStatus(outcomeA) }).toEqual({ posts: 1, outcomeA: 'JOB_LOST' });
    // Nor is its note of a post it never sent left behind, beside B's recorded reply.
    expect(await ledgerB.findBegun([job.messageId])).toBeUndefined();
  }, 30_000);

  it('its note, landing after the worker that took the job over noted its own, is refused: the note left for that post is the new holder\'s', async () => {
    const { channel, link, ledgerA, ledgerB } = await twoWorkers('split-late');
    const job = channel.job();
    // The job's lock as BullMQ keeps it: A's token until the lock lapses and B's run takes it.
    const lockKey = `${channel.prefix}:replies:${job.messageId}:lock`;
    await redis.connection.set(lockKey, 'run-a');
    const runOf = (token: string): JobHold => ({ holdsJob: async () => (await redis.connection.get(lockKey)) === token, lock: { key: lockKey, token } });

    let aNoting!: () => void;
    const aIsNoting = new Promise<void>((resolve) => (aNoting = resolve));
    const splitAtTheNote = withRecordAttempt(ledgerA, async (...args) => {
      link.split();
      const noting = ledgerA.recordAttempt(...args);
      aNoting();
      return noting;
    });
    const runningA = handleMessageJob(job, buildMessageJobDeps({ ledger: splitAtTheNote, replier: channel.replier }), undefined, runOf('run-a')).catch((error: unknown) => error);
    await aIsNoting;
    // Past JOB_LOCK_MS, BullMQ hands the job to worker B: the lock holds B's token now.
    await redis.connection.set(lockKey, 'run-b');

    let outcomeA: unknown;
    let notedByB: PostAttempt | undefined;
    let notedAsBSends: PostAttempt | undefined;
    const healAfterTheNote = withRecordAttempt(ledgerB, async (ids, attempt, content, whileHeld) => {
      await ledgerB.recordAttempt(ids, attempt, content, whileHeld);
      notedByB = attempt;
      // The split heals as B is about to send: A's note reaches Redis now, and A's run ends.
      link.heal();
      outcomeA = await runningA;
      // What a retry of B's post (after a timeout or a 5xx) would look for in the history.
      notedAsBSends = await ledgerB.findAttempt(ids);
    });
    const rescued = await handleMessageJob(job, buildMessageJobDeps({ ledger: healAfterTheNote, replier: channel.replier }), undefined, runOf('run-b'));

    expect(rescued).toMatchObject({ status: 'posted' });
    expect(notedByB).toBeDefined();
    expect({ posts: channel.replies().length, outcomeA: codeOrStatus(outcomeA), notedAsBSends }).toEqual({ posts: 1, outcomeA: 'JOB_LOST', notedAsBSends: notedByB });
  }, 30_000);
});
