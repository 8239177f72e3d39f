import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/gateway/commands/command-definitions.js';

/** Discord's documented limits for application commands. */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

interface Option {
  name: string;
  description: string;
  options?: Option[];
  choices?: Array<{ name: string }>;
  channel_types?: number[];
}

function allOptions(options: Option[] = []): Option[] {
  return options.flatMap((option) => [option, ...allOptions(option.options)]);
}

describe('command definitions', () => {
  it('/feelbot channel can name every kind of channel feelbot answers in: voice and stage chats, media channels too', () => {
    const feelbot = commandDefinitions().find((command) => command.name === 'feelbot') as unknown as Option;
    const option = feelbot.options!.find((sub) => sub.name === 'channel')!.options!.find((o) => o.name === 'channel')!;
    expect([...option.channel_types!].sort((a, b) => a - b)).toEqual(
      [ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.GuildCategory, ChannelType.GuildAnnouncement, ChannelType.GuildStageVoice, ChannelType.GuildForum, ChannelType.GuildMedia].sort((a, b) => a - b),
    );
  });

  it('names and descriptions are within Discord limits', () => {
    for (const command of commandDefinitions()) {
      const body = command as unknown as Option & { type?: number };
      if (body.type === 3) expect(body.name.length).toBeLessThanOrEqual(32);
      else expect(body.name).toMatch(NAME);
      for (const option of allOptions(body.options)) {
        expect(option.name).toMatch(/^[-_a-z0-9]{1,32}$/);
        expect(option.description.length).toBeGreaterThan(0);
        expect(option.description.length).toBeLessThanOrEqual(100);
        for (const choice of option.choices ?? []) expect(choice.name.length).toBeLessThanOrEqual(100);
      }
    }
  });

  it('the settings command is gated by Manage Server (0x20) by default', () => {
    const settings = commandDefinitions().find((command) => command.name === 'feelbot')!;
    expect(settings.default_member_permissions).toBe('32');
  });

  it('carries the persona, channel, cooldown and settings subcommands', () => {
    const settings = commandDefinitions().find((command) => command.name === 'feelbot') as unknown as Option;
    expect(settings.options?.map((option) => option.name)).toEqual(
      expect.arrayContaining(['persona', 'channel', 'cooldown', 'settings']),
    );
  });
});
