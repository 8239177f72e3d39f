import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJob, buildMessageJobDeps } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
let discord: FakeDiscord;
beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await discord.close();
});

it("a post Discord refused with a 503 before posting is retried, even when the persona has since posted the same words to another member's message", async () => {
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  const postRest = createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false });
  const prefix = `{other-${randomUUID().slice(0, 8)}}`;
  const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId);
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `other-${randomUUID().slice(0, 4)}` });
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  // Every reply "How wonderful!" by Joy (the factories' generator), as short replies of one persona often are.
  const deps = buildMessageJobDeps({ replier: new WebhookReplier(rest, directory, new AvatarStore(), { postRest }), ledger });
  const alice = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: true, receivedAt: Date.now() });
  const bob = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: true, receivedAt: Date.now(), author: { id: '1100000000000000009', displayName: 'Bob' } });

  // Alice's post: Discord answers 503 without posting (a plain outage blip).
  discord.failNext('POST /webhooks/:id/:token', [{ status: 503 }]);
  await expect(handleMessageJob(alice, deps)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED' });
  expect(discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(0);
  // Bob's reply, a moment later, is posted.
  await expect(handleMessageJob(bob, deps)).resolves.toMatchObject({ status: 'posted' });

  // Alice's retry, 2 s later: her message has had no reply, so it must get one.
  const retried = await handleMessageJob(alice, deps);
  expect(retried).toMatchObject({ status: 'posted' });
  expect(discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(2);
});

it("a post Discord made and answered 502 is found by its retry past the same words the persona posted to another member since, and not posted again", async () => {
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  const postRest = createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false });
  const prefix = `{same-${randomUUID().slice(0, 8)}}`;
  const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId);
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `same-${randomUUID().slice(0, 4)}` });
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const deps = buildMessageJobDeps({ replier: new WebhookReplier(rest, directory, new AvatarStore(), { postRest }), ledger });
  const alice = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: true, receivedAt: Date.now() });
  const bob = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: true, receivedAt: Date.now(), author: { id: '1100000000000000009', displayName: 'Bob' } });
  const replies = () => discord.channelMessages(channel.id).filter((posted) => posted.webhook_id);

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
