import { expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJobDeps } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { webhookReplyChannel } from '../../support/webhook-reply-channel.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();

it("a post Discord refused with a 503 before posting is retried, even when the persona has since posted the same words to another member's message", async () => {
  const { discord } = fake;
  const { prefix, replier, job, replies } = webhookReplyChannel(discord, redis.connection, 'other');
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  // Every reply "How wonderful!" by Joy (the factories' generator), as short replies of one persona often are.
  const deps = buildMessageJobDeps({ replier, ledger });
  const alice = job({ readsHistory: true });
  const bob = job({ readsHistory: true, author: { id: '1100000000000000009', displayName: 'Bob' } });

  // Alice's post: Discord answers 503 without posting (a plain outage blip).
  discord.failNext('POST /webhooks/:id/:token', [{ status: 503 }]);
  await expect(handleMessageJob(alice, deps)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED' });
  expect(replies()).toHaveLength(0);
  // Bob's reply, a moment later, is posted.
  await expect(handleMessageJob(bob, deps)).resolves.toMatchObject({ status: 'posted' });

  // Alice's retry, 2 s later: her message has had no reply, so it must get one.
  const retried = await handleMessageJob(alice, deps);
  expect(retried).toMatchObject({ status: 'posted' });
  expect(replies()).toHaveLength(2);
});

it("a post Discord made and answered 502 is found by its retry past the same words the persona posted to another member since, and not posted again", async () => {
  const { discord } = fake;
  const { prefix, replier, job, replies } = webhookReplyChannel(discord, redis.connection, 'same');
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const deps = buildMessageJobDeps({ replier, ledger });
  const alice = job({ readsHistory: true });
  const bob = job({ readsHistory: true, author: { id: '1100000000000000009', displayName: 'Bob' } });

  // Alice's reply lands, and Discord answers 502; a moment later Bob's, the same words, is posted.
  discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
  await expect(handleMessageJob(alice, deps)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED', details: { mayHavePosted: true } });
  const alicesReplyId = replies()[0]?.id;
  await expect(handleMessageJob(bob, deps)).resolves.toMatchObject({ status: 'posted' });
  expect(replies()).toHaveLength(2);

  // Bob's reply, the newer, is passed over; Alice's own is found and recorded as her answer.
  expect(await handleMessageJob(alice, deps)).toMatchObject({ status: 'skipped', reason: 'already-answered' });
  expect(replies()).toHaveLength(2);
  expect(await ledger.find([alice.messageId])).toBe(alicesReplyId);
});

it("two members' posts of the same words both answered 5xx, one of them landed: whichever retry runs first, the channel ends with one post per member", async () => {
  const { discord } = fake;
  const { prefix, replier, job, replies } = webhookReplyChannel(discord, redis.connection, 'both');
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const deps = buildMessageJobDeps({ replier, ledger });
  const alice = job({ readsHistory: true });
  const bob = job({ readsHistory: true, author: { id: '1100000000000000009', displayName: 'Bob' } });

  // Alice's post lands and Discord answers 502; Bob's, the same words, is refused with a 503 before posting.
  discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
  await expect(handleMessageJob(alice, deps)).rejects.toMatchObject({ details: { mayHavePosted: true } });
  discord.failNext('POST /webhooks/:id/:token', [{ status: 503 }]);
  await expect(handleMessageJob(bob, deps)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED' });
  expect(replies()).toHaveLength(1);

  // Bob's retry runs first and may take the landed post, which shows the same words by the same
  // persona, as his; Alice's retry then passes over it and posts. The posts carry no addressee, so
  // the channel shows what it should: the words once for each member, never a third copy.
  const retried = [await handleMessageJob(bob, deps), await handleMessageJob(alice, deps)];
  expect(retried.map((outcome) => outcome.status).sort()).toEqual(['posted', 'skipped']);
  expect(replies()).toHaveLength(2);
  const answers = [await ledger.find([alice.messageId]), await ledger.find([bob.messageId])];
  expect(new Set(answers)).toEqual(new Set(replies().map((reply) => reply.id)));
});
