import { Routes } from 'discord.js';
import { asDiscordRequestError } from '../../adapters/discord/discord-request-error.js';
import { createDiscordRest } from '../../adapters/discord/discord-rest.js';
import { requireDiscordToken } from '../../config.js';
import { commandDefinitions } from '../../gateway/commands/command-definitions.js';
import { applicationIdResolver } from '../../adapters/discord/application-id.js';
import type { Command } from '../command.js';
import { parseCommandArguments } from '../command-arguments.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { checkDiscordToken } from '../../gateway/check-discord-token.js';
import { isSnowflake } from '../../gateway/ready-session.js';
import { commandUsage } from '../usage-error.js';

const REGISTER_ARGUMENTS = { options: { guild: { type: 'string' } } } as const;

export const registerCommandsCommand: Command = {
  name: 'register-commands',
  usage: 'register-commands [--guild ID]',
  summary: 'register /feel, "Analyze emotion" and /feelbot (guild: instant; global: up to an hour)',
  accepts: REGISTER_ARGUMENTS,
  async run({ args, config, logger }) {
    const { values } = parseCommandArguments(args, REGISTER_ARGUMENTS);
    if (values.guild !== undefined) checkGuildId(values.guild);
    const token = requireDiscordToken(config);
    // A wrong token or an unreachable Discord is told as at start-up (CONFIG_INVALID, DISCORD_UNAVAILABLE).
    await checkDiscordToken(config.discord.apiUrl, token);
    const rest = createDiscordRest(config.discord.apiUrl, token);
    let registered: Array<{ name: string }>;
    try {
      const applicationId = await applicationIdResolver(rest, config, logger)();
      const route = values.guild !== undefined
        ? Routes.applicationGuildCommands(applicationId, values.guild)
        : Routes.applicationCommands(applicationId);
      registered = (await rest.put(route, { body: commandDefinitions() })) as Array<{ name: string }>;
    } catch (error) {
      // A refusal, an outage or a long rate limit, with its code and without the token, told to the operator.
      throw registrationFailure(asDiscordRequestError(error, 'the command registration'), values.guild);
    }
    logger.info({ scope: values.guild ? `guild ${values.guild}` : 'global', commands: registered.map((c) => c.name) }, 'commands registered');
    process.stdout.write(`Registered ${registered.map((c) => c.name).join(', ')} ${values.guild ? `in guild ${values.guild}` : 'globally'}.\n`);
  },
};

/**
 * `--guild "$TEST_GUILD"` with the variable unset or mistyped gives "" or a name; read as no guild,
 * it would push the commands to every server the bot is in.
 */
function checkGuildId(guild: string): void {
  if (isSnowflake(guild)) return;
  throw new FeelbotError(
    ErrorCodes.UsageInvalid,
    `--guild needs a server id (digits, from "Copy Server ID" with Developer Mode on); got ${JSON.stringify(guild)}. Leave --guild out to register globally.\n${commandUsage(registerCommandsCommand).trimEnd()}`,
    { userFacing: true, permanent: true },
  );
}

/** What the operator can do about a failed registration; a refusal in a server most often means the bot is not in it. */
function registrationFailure(error: unknown, guildId: string | undefined): unknown {
  if (!isFeelbotError(error)) {
    return new FeelbotError(ErrorCodes.DiscordUnavailable, `Discord could not be reached to register the commands (${error instanceof Error ? error.message : String(error)}); try again.`, {
      cause: error,
      userFacing: true,
    });
  }
  const status = error.details.status;
  const hint =
    guildId && (status === 403 || status === 404)
      ? ` Is the bot in server ${guildId}? Invite it with the bot and applications.commands scopes.`
      : '';
  return new FeelbotError(error.code, `${error.message}${hint}`, { cause: error, userFacing: true, permanent: error.permanent, details: error.details });
}
