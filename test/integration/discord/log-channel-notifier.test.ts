import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { LogChannelNotifier } from '../../../src/adapters/discord/log-channel-notifier.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const QUIET = createLogger('silent', 'test', new Writable({ write: (_chunk, _encoding, done) => done() }));

describe('admin notices in the log channel', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  function setup(logger = QUIET) {
    const prefix = `{notice-${randomUUID().slice(0, 8)}}`;
    const settings = new RedisSettingsStore(redis.connection, prefix);
    const notifier = new LogChannelNotifier(createDiscordRest(discord.apiUrl, discord.token), redis.connection, prefix, settings, logger);
    const { guild } = discord.world;
    const logChannel = discord.addChannel({ guildId: guild.id, type: 0, name: `log-${randomUUID().slice(0, 4)}` });
    const notice = { guildId: guild.id, channelId: discord.world.channels.text.id, code: 'WEBHOOK_LIMIT_REACHED', message: 'This channel has 15 webhooks.' };
    const chooseLogChannel = () => settings.update(guild.id, () => ({ ...DEFAULT_GUILD_SETTINGS, logChannelId: logChannel.id }));
    return { notifier, notice, logChannel, chooseLogChannel, settings, prefix };
  }

  it('posts a notice once a day, with no pings', async () => {
    const { notifier, notice, logChannel, chooseLogChannel, prefix } = setup();
    await chooseLogChannel();
    await notifier.notify(notice);
    await notifier.notify(notice);
    const posted = discord.channelMessages(logChannel.id);
    expect(posted).toHaveLength(1);
    // Silenced for a day, then told again.
    const key = `${prefix}:notice:${notice.guildId}:${notice.code}:${notice.channelId}`;
    const ttl = await redis.connection.ttl(key);
    expect(ttl).toBeGreaterThan(24 * 3_600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600);
    await redis.connection.del(key); // As if the day had passed.
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(2);
    expect(posted[0]!.content).toContain(`<#${notice.channelId}>`);
    const posts = discord.requests.filter((request) => request.method === 'POST' && request.path === `/channels/${logChannel.id}/messages`);
    expect(posts).toHaveLength(2);
    expect((posts[0]!.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
  });

  it('a notice raised before admins chose a log channel is not silenced for the day', async () => {
    const { notifier, notice, logChannel, chooseLogChannel, settings, prefix } = setup();
    await settings.update(notice.guildId, () => DEFAULT_GUILD_SETTINGS);
    await notifier.notify(notice);
    await chooseLogChannel();
    // The next occurrence after the short reminder window reaches the new log channel.
    const key = `${prefix}:notice:${notice.guildId}:${notice.code}:${notice.channelId}`;
    const ttl = await redis.connection.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
    await redis.connection.del(key); // As if those minutes had passed.
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(1);
  });

  it('a notice whose post failed is posted by the next occurrence', async () => {
    const { notifier, notice, logChannel, chooseLogChannel } = setup();
    await chooseLogChannel();
    discord.failNext('POST /channels/:id/messages', [{ status: 403, code: 50_013, message: 'Missing Permissions' }]);
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(0);
    await notifier.notify(notice);
    expect(discord.channelMessages(logChannel.id)).toHaveLength(1);
  });

  it('a notice to a log channel Discord no longer knows (10003, deleted) clears it, and the next notice is only logged', async () => {
    const { notifier, notice, logChannel, chooseLogChannel, settings, prefix } = setup();
    await chooseLogChannel();
    discord.deleteChannel(logChannel.id);
    await notifier.notify(notice);
    expect((await settings.get(notice.guildId)).logChannelId).toBeUndefined();

    // Not silenced for the day: nothing reached the admins.
    await redis.connection.del(`${prefix}:notice:${notice.guildId}:${notice.code}:${notice.channelId}`);
    await notifier.notify(notice);
    expect(discord.requests.filter((request) => request.path === `/channels/${logChannel.id}/messages`)).toHaveLength(1);
  });

  it('a 10003 for a log channel admins replaced while the notice was on its way leaves their new choice', async () => {
    const { notifier, notice, logChannel, chooseLogChannel, settings } = setup();
    await chooseLogChannel();
    const release = discord.holdNext(`POST /channels/${logChannel.id}/messages`);
    const notified = notifier.notify(notice);
    await discord.waitFor(() => discord.requests.some((request) => request.path === `/channels/${logChannel.id}/messages`));
    const replacement = discord.addChannel({ guildId: notice.guildId, type: 0, name: `new-log-${randomUUID().slice(0, 4)}` });
    await settings.update(notice.guildId, (current) => ({ ...current, logChannelId: replacement.id }));
    discord.deleteChannel(logChannel.id);
    release();
    await notified;
    expect((await settings.get(notice.guildId)).logChannelId).toBe(replacement.id);
  });

  it('a log channel the bot may not see (50001 Missing Access) stays chosen for the admins to fix, and the failure is logged with a code', async () => {
    const { logger, lines } = capturedLogger('warn');
    const { notifier, notice, logChannel, chooseLogChannel, settings } = setup(logger);
    await chooseLogChannel();
    discord.failNext(`POST /channels/${logChannel.id}/messages`, [{ status: 403, code: 50_001, message: 'Missing Access' }]);
    await notifier.notify(notice);
    expect((await settings.get(notice.guildId)).logChannelId).toBe(logChannel.id);
    expect(lines.find((line) => line.msg === 'could not post the admin notice to the log channel')).toMatchObject({ code: 'DISCORD_PERMISSION_MISSING', logChannelId: logChannel.id });
  });
});
