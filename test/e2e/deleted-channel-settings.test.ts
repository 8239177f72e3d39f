import { ChannelType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import type { ChannelRecord } from '../fakes/fake-discord/index.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';
import { channelOption, feelbotCommand, textOption, type CommandOption } from '../support/feelbot-command.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * Deleting a channel, category or thread in Discord, seen by a real gateway process (the real
 * discord.js client against the fake Discord), and the settings as the real Redis store reads them.
 */
describe('a deleted channel, category or thread leaves nothing behind in the settings', () => {
  /** Archived before the gateway started: Discord's GUILD_CREATE lists active threads only, so the gateway has never seen it. */
  let archivedThread: ChannelRecord;

  const e2e = useFeelbotStack({
    seed: ({ discord }) => {
      const { guild, channels, users } = discord.world;
      archivedThread = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'long done', parentId: channels.text.id, ownerId: users.member.id });
      discord.closeThread(archivedThread.id);
    },
    gateway: {},
    freshSettings: true,
  });

  const discord = () => e2e.stack.discord;
  const guildId = () => discord().world.guild.id;
  const mode = (value: string) => textOption('mode', value);
  const channel = (id: string) => channelOption('channel', id);

  /** `/feelbot <subcommand>` sent by the admin in `channelId`; resolves to the gateway's private answer. */
  const asAdmin = (subcommand: string, options: CommandOption[], channelId?: string) => feelbotCommand(discord(), discord().world.users.admin.id, subcommand, options, channelId);
  const freshChannel = (name: string, parentId?: string) =>
    discord().addChannel({ guildId: guildId(), type: ChannelType.GuildText, name, ...(parentId ? { parentId } : {}) });
  const forgotten = (channelId: string, by = e2e.gateway) =>
    by.waitForLog((line) => line.msg === 'forgot the settings of a deleted channel' && line.channelId === channelId, 10_000);

  it("a deleted channel's own mode, and the log channel set to it, leave the settings; /feelbot settings no longer lists it", async () => {
    const doomed = freshChannel('doomed');
    const kept = freshChannel('kept');
    await asAdmin('channel', [mode('always'), channel(doomed.id)]);
    await asAdmin('channel', [mode('off'), channel(kept.id)]);
    await asAdmin('logchannel', [channel(doomed.id)]);
    expect(await asAdmin('settings', [])).toContain(`<#${doomed.id}>`);

    discord().deleteChannel(doomed.id);
    await forgotten(doomed.id);
    expect(await e2e.settings.get(guildId())).toEqual({ ...DEFAULT_GUILD_SETTINGS, modes: { [kept.id]: 'off' } });
    const listed = await asAdmin('settings', []);
    expect(listed).not.toContain(doomed.id);
    expect(listed).toContain('**Log channel:** none');
  });

  it("a deleted category's mode leaves the settings; its channel, uncategorized now, keeps its own", async () => {
    const category = discord().addChannel({ guildId: guildId(), type: ChannelType.GuildCategory, name: 'doomed-category' });
    const inside = freshChannel('inside', category.id);
    await asAdmin('channel', [mode('off'), channel(category.id)]);
    await asAdmin('channel', [mode('auto'), channel(inside.id)]);

    discord().deleteChannel(category.id);
    await forgotten(category.id);
    expect((await e2e.settings.get(guildId())).modes).toEqual({ [inside.id]: 'auto' });
  });

  it("a deleted thread's own mode leaves the settings, and its parent's stays", async () => {
    const parent = freshChannel('thread-parent');
    const thread = discord().addChannel({ guildId: guildId(), type: ChannelType.PublicThread, name: 'doomed talk', parentId: parent.id, ownerId: discord().world.users.member.id });
    await asAdmin('channel', [mode('off'), channel(parent.id)]);
    await asAdmin('channel', [mode('always')], thread.id);
    expect((await e2e.settings.get(guildId())).modes[thread.id]).toBe('always');

    discord().deleteChannel(thread.id);
    await forgotten(thread.id);
    expect((await e2e.settings.get(guildId())).modes).toEqual({ [parent.id]: 'off' });
  });

  it("a thread archived before the gateway started, so never in its cache, leaves the settings when it is deleted", async () => {
    await e2e.settings.update(guildId(), (current) => ({ ...current, modes: { [archivedThread.id]: 'always' } }));

    discord().deleteChannel(archivedThread.id);
    await forgotten(archivedThread.id);
    expect((await e2e.settings.get(guildId())).modes).toEqual({});
  });

  it('deleting a channel no setting names writes nothing: the stored settings stay as they were, byte for byte', async () => {
    const kept = freshChannel('kept-too');
    // Spaced out as feelbot never writes it: any write, even of the same settings, would show.
    const stored = JSON.stringify({ ...DEFAULT_GUILD_SETTINGS, modes: { [kept.id]: 'off' } }, null, 2);
    const key = feelbotKey(e2e.stack.prefix, 'settings', guildId());
    await e2e.stack.redisConnection().set(key, stored);

    const unnamed = freshChannel('unnamed');
    discord().deleteChannel(unnamed.id);
    await e2e.gateway.waitForLog((line) => line.msg === 'a deleted channel had no settings' && line.channelId === unnamed.id, 10_000);
    expect(await e2e.stack.redisConnection().get(key)).toBe(stored);
  });

  it('two gateways seeing the same deletion both handle it, and the settings end the same as with one', async () => {
    const second = await e2e.stack.spawn('gateway');
    const doomed = freshChannel('doomed-twice');
    const kept = freshChannel('kept-twice');
    // Through the store: with two gateways, each would answer an admin's /feelbot.
    await e2e.settings.update(guildId(), (current) => ({ ...current, modes: { [doomed.id]: 'always', [kept.id]: 'off' }, logChannelId: doomed.id }));

    discord().deleteChannel(doomed.id);
    const handled = (by: FeelbotProcess) =>
      by.waitForLog((line) => line.channelId === doomed.id && /^(forgot the settings of a deleted channel|a deleted channel had no settings)$/.test(line.msg ?? ''), 10_000);
    await Promise.all([handled(e2e.gateway), handled(second)]);
    expect(await e2e.settings.get(guildId())).toEqual({ ...DEFAULT_GUILD_SETTINGS, modes: { [kept.id]: 'off' } });
    for (const process of [e2e.gateway, second]) expect(process.logs.filter((line) => line.level === 'error').map((line) => line.msg)).toEqual([]);
    await second.stop();
  });
});

describe('a channel deleted while Redis is down', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('the gateway keeps running, waits for Redis, and forgets the channel once Redis is back', async () => {
    stack = await FeelbotStack.start({ appendOnly: true });
    const { discord } = stack;
    const guildId = discord.world.guild.id;
    const gateway = await stack.spawn('gateway');
    const settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
    const doomed = discord.addChannel({ guildId, type: ChannelType.GuildText, name: 'doomed-offline' });
    await settings.update(guildId, (current) => ({ ...current, modes: { [doomed.id]: 'always' }, logChannelId: doomed.id }));

    await stack.redis.crash();
    discord.deleteChannel(doomed.id);
    await gateway.waitForLog((line) => line.msg === 'redis down; retrying' && line.channelId === doomed.id, 30_000);
    await stack.redis.revive();
    await gateway.waitForLog((line) => line.msg === 'forgot the settings of a deleted channel' && line.channelId === doomed.id, 60_000);
    expect(await settings.get(guildId)).toEqual(DEFAULT_GUILD_SETTINGS);
  }, 120_000);
});
