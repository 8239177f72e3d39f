import { ChannelType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';
import { feelbotCommand, textOption } from '../support/feelbot-command.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/**
 * A server whose allow-list names many channels, some of which a moderator (or an anti-raid bot)
 * deletes at once while an admin changes a setting: each deletion and the admin's command change
 * the one guild's settings, all from one gateway, and none of them may fail.
 */
describe('a burst of channel deletions in a server with a long allow-list', () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let settings: RedisSettingsStore;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    gateway = await stack.spawn('gateway');
    settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('15 channels deleted at once are all forgotten without an error, and an admin command sent meanwhile is answered', async () => {
    const discord = stack.discord;
    const guildId = discord.world.guild.id;
    const doomed = Array.from({ length: 15 }, (_, i) => discord.addChannel({ guildId, type: ChannelType.GuildText, name: `raid-${i}` }));
    await settings.update(guildId, (current) => ({ ...current, modes: Object.fromEntries(doomed.map((channel) => [channel.id, 'always' as const])) }));

    for (const channel of doomed) discord.deleteChannel(channel.id);
    const answer = await feelbotCommand(discord, discord.world.users.admin.id, 'default', [textOption('mode', 'auto')]);
    for (const channel of doomed) {
      // Handled either way: forgotten, or given up with an error.
      await gateway.waitForLog((line) => line.channelId === channel.id && (line.msg === 'forgot the settings of a deleted channel' || line.level === 'error'), 10_000);
    }

    expect(gateway.logs.filter((line) => line.level === 'error').map((line) => `${line.msg} ${line.code}`)).toEqual([]);
    expect(answer).toMatch(/reply mode is now \*\*auto\*\*/);
    const after = await settings.get(guildId);
    expect(after.modes).toEqual({});
    expect(after.defaultMode).toBe('auto');
  });
});
