import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJob, buildMessageJobDeps } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { passTime } from '../../support/pass-time.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
let discord: FakeDiscord;
beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await discord.close();
});
afterEach(() => {
  vi.useRealTimers();
});

it('a post Discord made and answered 502, whose retry runs after the workers were down for over an hour, is not posted a second time', async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  const postRest = createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false });
  const prefix = `{stall-${randomUUID().slice(0, 8)}}`;
  const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId);
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `stall-${randomUUID().slice(0, 4)}` });
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const deps = buildMessageJobDeps({ replier: new WebhookReplier(rest, directory, new AvatarStore(), { postRest }), ledger });
  const job = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: true, receivedAt: Date.now() });

  discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
  await expect(handleMessageJob(job, deps)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED', details: { mayHavePosted: true } });
  expect(discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(1);

  // The worker stopped after that failure (a deploy, a crashed host) and its replacement came back 61 minutes later.
  await passTime(redis.connection, prefix, 61 * 60_000);
  const retried = await handleMessageJob(job, deps);

  expect(retried).toMatchObject({ status: 'skipped', reason: 'already-answered' });
  expect(discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(1);
});
