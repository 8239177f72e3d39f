import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { REPLY_MODES } from '../../src/domain/guild-settings.js';
import { commandDefinitions } from '../../src/gateway/commands/command-definitions.js';

/** Discord's documented limits for application commands. */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

interface Option {
  name: string;
  description: string;
  options?: Option[];
  choices?: Array<{ name: string; value?: unknown }>;
  channel_types?: number[];
  required?: boolean;
}

function allOptions(options: Option[] = []): Option[] {
  return options.flatMap((option) => [option, ...allOptions(option.options)]);
}

const feelbotCommand = () => commandDefinitions().find((command) => command.name === 'feelbot') as unknown as Option;
const optionOf = (subcommand: string, name: string) => feelbotCommand().options!.find((sub) => sub.name === subcommand)!.options!.find((o) => o.name === name)!;

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

  it('carries the persona, channel, default, cooldown, logchannel and settings subcommands', () => {
    expect(feelbotCommand().options?.map((option) => option.name)).toEqual(
      expect.arrayContaining(['persona', 'channel', 'default', 'cooldown', 'logchannel', 'settings']),
    );
  });

  it('/feelbot default sets the server-wide mode that "Default mode" shows, so an admin can make feelbot speak only where invited', () => {
    const mode = optionOf('default', 'mode');
    expect(mode.required).toBe(true);
    expect(mode.choices!.map((choice) => choice.value)).toEqual([...REPLY_MODES]);
  });

  it("/feelbot channel can take a channel's own mode away again (inherit), besides setting one of the reply modes", () => {
    const mode = optionOf('channel', 'mode');
    expect(mode.choices!.map((choice) => choice.value)).toEqual([...REPLY_MODES, 'inherit']);
  });

  it('/feelbot logchannel can be run without a channel, to stop the notices', () => {
    expect(optionOf('logchannel', 'channel').required ?? false).toBe(false);
  });
});
