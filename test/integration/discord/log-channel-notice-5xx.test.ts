import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { LogChannelNotifier } from '../../../src/adapters/discord/log-channel-notifier.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('an admin notice whose post Discord answers 5xx, through the client the worker posts with (no repeats)', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  async function setup() {
    const prefix = `{notice-${randomUUID().slice(0, 8)}}`;
    const settings = new RedisSettingsStore(redis.connection, prefix);
    const logger = createLogger('silent', 'test');
    const onceRest = createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false, logger });
    const notifier = new LogChannelNotifier(onceRest, redis.connection, prefix, settings, logger);
    const { guild } = discord.world;
    const logChannel = discord.addChannel({ guildId: guild.id, type: 0, name: `log-${randomUUID().slice(0, 4)}` });
    await settings.update(guild.id, () => ({ ...DEFAULT_GUILD_SETTINGS, logChannelId: logChannel.id }));
    const notice = { guildId: guild.id, channelId: discord.world.channels.text.id, code: 'WEBHOOK_LIMIT_REACHED', message: 'This channel has 15 webhooks.' };
    return { notifier, notice, logChannel };
  }

  it('posted by Discord before its 502: it appears once, not once per repeat', async () => {
    const { notifier, notice, logChannel } = await setup();
    discord.failNext(`POST /channels/${logChannel.id}/messages`, [{ status: 502, afterHandling: true }]);
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(1);
  });

  it('not posted (a plain 502): the day is not claimed, and the next occurrence posts it', async () => {
    const { notifier, notice, logChannel } = await setup();
    discord.failNext(`POST /channels/${logChannel.id}/messages`, [{ status: 502 }]);
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(0);
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(1);
  });
});
