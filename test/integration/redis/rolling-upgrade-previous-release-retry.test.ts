import { describe, expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import type { PersonaReplier, ReplyTarget } from '../../../src/ports/persona-replier.js';
import { buildMessageJobDeps, personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { findPostedReply as previousFindPostedReply } from '../../support/previous-release/find-posted-reply.js';
import { RedisDeliveryLedger as PreviousRedisDeliveryLedger } from '../../support/previous-release/redis-delivery-ledger.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { webhookReplyChannel } from '../../support/webhook-reply-channel.js';

/**
 * During a rolling upgrade workers of the previous release (120e196) and of this one take the same
 * jobs, and a retry may run on either: each must find, in Redis, the attempt the other noted.
 */
describe('a retry during a rolling upgrade', () => {
  const redis = usePrivateRedis();
  const fake = useFakeDiscord();

  function setUp(readsHistory: boolean) {
    const { discord } = fake;
    const { rest, prefix, channelId, replier, job, replies } = webhookReplyChannel(discord, redis.connection, 'roll');
    return {
      rest,
      replier,
      job: job({ readsHistory }),
      target: { origin: 'discord', guildId: discord.world.guild.id, channelId } satisfies ReplyTarget,
      ledger: new RedisDeliveryLedger(redis.connection, prefix),
      previous: new PreviousRedisDeliveryLedger(redis.connection, prefix),
      replies,
    };
  }

  it("by a worker of the previous release finds the post a new worker's attempt landed before Discord answered 502", async () => {
    const { rest, replier, job, target, ledger, previous, replies } = setUp(true);
    fake.discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    await expect(handleMessageJob(job, buildMessageJobDeps({ replier, ledger }))).rejects.toMatchObject({ details: { mayHavePosted: true } });
    const [landed] = replies();

    // What that worker asks before writing the reply (120e196's handleMessageJob: find, then landedEarlier).
    const answered = [job.messageId];
    expect(await previous.find(answered)).toBeUndefined();
    const attempt = await previous.findAttempt(answered);
    expect(attempt).toMatchObject({ content: landed!.content, persona: landed!.author.username, personaKey: 'joy' });
    expect(await previousFindPostedReply(rest, target, attempt!)).toEqual({ messageId: landed!.id });
    expect(replies()).toHaveLength(1);
  });

  it('by a worker of the previous release, where the bot may not read the history, reads when the post a new worker was killed sending began', async () => {
    const { job, ledger, previous } = setUp(false);
    // Killed (SIGKILL) with its post sent, unanswered.
    let sending: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (sending = resolve));
    const killedMidSend: PersonaReplier = {
      post: async (_reply, context) => {
        await context?.beforeSend?.();
        sending();
        return new Promise(() => undefined);
      },
      findPosted: async () => undefined,
    };
    const before = Date.now();
    void handleMessageJob(job, buildMessageJobDeps({ replier: killedMidSend, ledger }));
    await sent;

    // 120e196's unfinishedPost ends the job post-unconfirmed with the time the post began.
    const startedAt = await previous.findBegun([job.messageId]);
    expect(startedAt).toBeGreaterThanOrEqual(before);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
  });

  it('by a new worker finds the post a worker of the previous release noted and sent before Discord answered 502', async () => {
    const { replier, job, target, ledger, previous, replies } = setUp(true);
    const content = 'So glad you told me, Alice!';
    await previous.recordAttempt([job.messageId], { content, persona: personas.joy.name, personaKey: 'joy', startedAt: Date.now() });
    fake.discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    await expect(replier.post({ target, persona: personas.joy, content })).rejects.toMatchObject({ details: { mayHavePosted: true } });

    expect(await handleMessageJob(job, buildMessageJobDeps({ replier, ledger }))).toMatchObject({ status: 'skipped', reason: 'already-answered' });
    expect(await ledger.find([job.messageId])).toBe(replies()[0]!.id);
    expect(replies()).toHaveLength(1);
  });
});
