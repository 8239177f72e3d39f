import { ApplicationIntegrationType, InteractionContextType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/gateway/commands/command-definitions.js';

const commandNamed = (name: string) => commandDefinitions().find((command) => command.name === name)!;
const sorted = (values: readonly number[] | undefined) => [...(values ?? [])].sort((a, b) => a - b);

/**
 * Where each command may be installed. Left unset, Discord applies whatever the app's Developer
 * Portal allows, so turning on User Install there would offer /feelbot in servers without the bot.
 */
describe('where the commands may be installed', () => {
  it('/feelbot comes only with the bot installed in a server, never with a user install', () => {
    expect(commandNamed('feelbot').integration_types).toEqual([ApplicationIntegrationType.GuildInstall]);
    expect(commandNamed('feelbot').contexts).toEqual([InteractionContextType.Guild]);
  });

  it('/feel and "Analyze emotion" come with either install: other DMs and group DMs (context 2) are reachable only through a user install', () => {
    for (const name of ['feel', 'Analyze emotion']) {
      const command = commandNamed(name);
      expect(sorted(command.contexts)).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel]);
      expect(sorted(command.integration_types)).toEqual([ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall]);
    }
  });
});
