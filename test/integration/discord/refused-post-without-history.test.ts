import { randomUUID } from 'node:crypto';
import { REST } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJob, buildMessageJobDeps } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { closedPort } from '../../support/closed-port.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
let discord: FakeDiscord;
beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await discord.close();
});

it('where the bot may not read the history, a post whose connection was refused fails to be retried, and leaves the message unanswered', async () => {
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  // The posting client as the worker wires it (no repeats), reaching nothing: a REST proxy restarting.
  const postRest = new REST({ api: `http://127.0.0.1:${await closedPort()}/api`, retries: 0, timeout: 2_000 }).setToken(discord.token);
  const prefix = `{refused-${randomUUID().slice(0, 8)}}`;
  const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId);
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `refused-${randomUUID().slice(0, 4)}` });
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const deps = buildMessageJobDeps({ replier: new WebhookReplier(rest, directory, new AvatarStore(), { postRest }), ledger });
  const job = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: false });

  const outcome = await handleMessageJob(job, deps).then(
    (ended) => ({ ended }),
    (error: unknown) => ({ failed: error }),
  );

  expect(discord.channelMessages(channel.id)).toHaveLength(0);
  expect(outcome).toMatchObject({ failed: { code: 'DISCORD_UNAVAILABLE', permanent: false, details: { errno: 'ECONNREFUSED' } } });
  expect(await ledger.find([job.messageId])).toBeUndefined();
});

it('where the bot may not read the history, the retry of a post whose connection was refused posts it, once', async () => {
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  const unreachable = new REST({ api: `http://127.0.0.1:${await closedPort()}/api`, retries: 0, timeout: 2_000 }).setToken(discord.token);
  const reachable = new REST({ api: discord.apiUrl, retries: 0, timeout: 2_000 }).setToken(discord.token);
  const prefix = `{refused-${randomUUID().slice(0, 8)}}`;
  const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId);
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `refused-${randomUUID().slice(0, 4)}` });
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const withPosting = (postRest: REST) => buildMessageJobDeps({ replier: new WebhookReplier(rest, directory, new AvatarStore(), { postRest }), ledger });
  const job = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: false });

  await expect(handleMessageJob(job, withPosting(unreachable))).rejects.toMatchObject({ code: 'DISCORD_UNAVAILABLE' });
  const retried = await handleMessageJob(job, withPosting(reachable));

  expect(retried).toMatchObject({ status: 'posted', replyId: await ledger.find([job.messageId]) });
  expect(discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(1);
});
