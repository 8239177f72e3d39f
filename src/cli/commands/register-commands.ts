import { parseArgs } from 'node:util';
import { Routes } from 'discord.js';
import { asDiscordRequestError } from '../../adapters/discord/discord-request-error.js';
import { createDiscordRest } from '../../adapters/discord/discord-rest.js';
import { requireDiscordToken } from '../../config.js';
import { commandDefinitions } from '../../gateway/commands/command-definitions.js';
import { applicationIdResolver } from '../../adapters/discord/application-id.js';
import type { Command } from '../command.js';

export const registerCommandsCommand: Command = {
  name: 'register-commands',
  usage: 'register-commands [--guild ID]',
  summary: 'register /feel, "Analyze emotion" and /feelbot (guild: instant; global: up to an hour)',
  async run({ args, config, logger }) {
    const { values } = parseArgs({ args: [...args], options: { guild: { type: 'string' } } });
    const rest = createDiscordRest(config.discord.apiUrl, requireDiscordToken(config));
    let registered: Array<{ name: string }>;
    try {
      const applicationId = await applicationIdResolver(rest, config)();
      const route = values.guild
        ? Routes.applicationGuildCommands(applicationId, values.guild)
        : Routes.applicationCommands(applicationId);
      registered = (await rest.put(route, { body: commandDefinitions() })) as Array<{ name: string }>;
    } catch (error) {
      // A refusal, an outage or a long rate limit, with its code and without the token.
      throw asDiscordRequestError(error, 'the command registration');
    }
    logger.info({ scope: values.guild ? `guild ${values.guild}` : 'global', commands: registered.map((c) => c.name) }, 'commands registered');
    process.stdout.write(`Registered ${registered.map((c) => c.name).join(', ')} ${values.guild ? `in guild ${values.guild}` : 'globally'}.\n`);
  },
};
