import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { feelbotCommand, textOption } from '../support/feelbot-command.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * A server whose allow-list names many channels, some of which a moderator (or an anti-raid bot)
 * deletes at once while an admin changes a setting: each deletion and the admin's command change
 * the one guild's settings, all from one gateway, and none of them may fail.
 */
describe('a burst of channel deletions in a server with a long allow-list', () => {
  const e2e = useFeelbotStack({ gateway: {} });

  it('15 channels deleted at once are all forgotten without an error, and an admin command sent meanwhile is answered', async () => {
    const discord = e2e.stack.discord;
    const guildId = discord.world.guild.id;
    const doomed = Array.from({ length: 15 }, (_, i) => discord.addChannel({ guildId, type: ChannelType.GuildText, name: `raid-${i}` }));
    await e2e.settings.update(guildId, (current) => ({ ...current, modes: Object.fromEntries(doomed.map((channel) => [channel.id, 'always' as const])) }));

    for (const channel of doomed) discord.deleteChannel(channel.id);
    const answer = await feelbotCommand(discord, discord.world.users.admin.id, 'default', [textOption('mode', 'auto')]);
    for (const channel of doomed) {
      // Handled either way: forgotten, or given up with an error.
      await e2e.gateway.waitForLog((line) => line.channelId === channel.id && (line.msg === 'forgot the settings of a deleted channel' || line.level === 'error'), 10_000);
    }

    expect(e2e.gateway.logs.filter((line) => line.level === 'error').map((line) => `${line.msg} ${line.code}`)).toEqual([]);
    expect(answer).toMatch(/reply mode is now \*\*auto\*\*/);
    const after = await e2e.settings.get(guildId);
    expect(after.modes).toEqual({});
    expect(after.defaultMode).toBe('auto');
  });
});
