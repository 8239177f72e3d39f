import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** What the cache and the set of webhooks posted through (persona-webhooks) both keep: 90 days. */
const NINETY_DAYS_S = 90 * 24 * 60 * 60;
const spec = { slot: 'shared', name: 'feelbot' };

/** The workers' webhook cache holds tokens: a channel no one posts in any more must not keep them for good. */
describe("the workers' webhook cache of a channel (ids and tokens)", () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  function setUp(options: { revalidateAfterMs?: number } = {}) {
    const prefix = `{expiry-${randomUUID().slice(0, 8)}}`;
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `expiry-${randomUUID().slice(0, 4)}` });
    const directory = new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), redis.connection, prefix, async () => discord.applicationId, options);
    return { directory, channelId: channel.id, key: feelbotKey(prefix, 'webhooks', channel.id) };
  }

  it('expires 90 days after the webhook was cached, like the set of webhooks feelbot posted through', async () => {
    const { directory, channelId, key } = setUp();
    await directory.get(channelId, spec);
    expect(await redis.connection.ttl(key)).toBeGreaterThan(NINETY_DAYS_S - 60);
    expect(await redis.connection.ttl(key)).toBeLessThanOrEqual(NINETY_DAYS_S);
  });

  it('is kept another 90 days each time Discord confirms the webhook still posts there, so a channel in use never loses it', async () => {
    const { directory, channelId, key } = setUp({ revalidateAfterMs: 0 });
    const webhook = await directory.get(channelId, spec);
    await redis.connection.expire(key, 60);
    expect((await directory.get(channelId, spec)).id).toBe(webhook.id);
    expect(await redis.connection.ttl(key)).toBeGreaterThan(NINETY_DAYS_S - 60);
  });
});
