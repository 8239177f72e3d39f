import { expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import type { ReplyTarget } from '../../../src/ports/persona-replier.js';
import { buildMessageJobDeps, personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { findPostedReply as previousFindPostedReply } from '../../support/previous-release/find-posted-reply.js';
import { RedisDeliveryLedger as PreviousRedisDeliveryLedger } from '../../support/previous-release/redis-delivery-ledger.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { webhookReplyChannel } from '../../support/webhook-reply-channel.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();

const writes = (text: string) => ({
  parallelism: 1,
  generate: async () => ({ text, tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 }),
  dispose: async () => undefined,
});

it('a new worker retrying after a previous-release worker posted (502) finds that post, not only the older attempt a new worker noted before it', async () => {
  const { discord } = fake;
  const here = webhookReplyChannel(discord, redis.connection, 'roll2');
  const { rest, prefix, replier } = here;
  const job = here.job();
  const target = { origin: 'discord', guildId: discord.world.guild.id, channelId: here.channelId } satisfies ReplyTarget;
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const previous = new PreviousRedisDeliveryLedger(redis.connection, prefix);
  const replies = () => here.replies().map((posted) => posted.content);
  const answered = [job.messageId];

  // Try 1, a new worker: Discord answers 502 without posting.
  discord.failNext('POST /webhooks/:id/:token', [{ status: 502 }]);
  await expect(handleMessageJob(job, buildMessageJobDeps({ replier, ledger, generator: writes('First words') }))).rejects.toMatchObject({ details: { mayHavePosted: true } });
  expect(replies()).toEqual([]);

  // Try 2, a worker of the previous release (120e196's steps): finds try 1's attempt, not in the history; writes anew, notes, posts; 502 after posting.
  const attempt = await previous.findAttempt(answered);
  expect(attempt).toMatchObject({ content: 'First words' });
  expect(await previousFindPostedReply(rest, target, attempt!)).toBeUndefined();
  await previous.recordAttempt(answered, { content: 'Second words', persona: personas.joy.name, personaKey: 'joy', startedAt: Date.now() });
  discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
  await expect(replier.post({ target, persona: personas.joy, content: 'Second words', nonce: job.messageId })).rejects.toMatchObject({ details: { mayHavePosted: true } });
  expect(replies()).toEqual(['Second words']);

  // Try 3, a new worker: the reply landed in try 2, so nothing is posted again.
  const outcome = await handleMessageJob(job, buildMessageJobDeps({ replier, ledger, generator: writes('Third words') }));
  expect(replies()).toEqual(['Second words']);
  expect(outcome).toMatchObject({ status: 'skipped', reason: 'already-answered' });
});
