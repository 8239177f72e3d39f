import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
} from 'discord-api-types/v10';
import { channelPermissions } from '../permissions.js';
import { nextSnowflake, randomToken } from '../snowflake.js';
import type { FakeStore } from '../store.js';
import { channelPayload } from './channel.js';
import { interactionMemberPayload } from './guild.js';
import { userPayload } from './user.js';

export interface InteractionInput {
  channelId: string;
  userId: string;
  commandName: string;
  /** Slash command options, in the API's nested shape. Defaults to none. */
  options?: APIApplicationCommandInteractionDataOption[];
  /** Makes it a message context menu command (data.type 3) targeting this stored message. */
  targetMessageId?: string;
  locale?: string;
  /**
   * Which installs of the app authorize the command (Discord's `authorizing_integration_owners`):
   * the server's (its id under "0"), the user's (their id under "1", a user install, which works in
   * servers without the bot too), or both. Defaults to the server's in a server, the user's elsewhere.
   * In a group DM only a user install can run commands.
   */
  installedBy?: 'server' | 'user' | 'both';
}

/** 10 MiB: the attachment limit Discord reports to interactions in unboosted guilds. */
const ATTACHMENT_SIZE_LIMIT = 10_485_760;

/** An INTERACTION_CREATE payload for an application command, with a fresh id and token. */
export function interactionPayload(store: FakeStore, applicationId: string, botUserId: string, input: InteractionInput) {
  const channel = store.channel(input.channelId);
  const guildId = channel.guildId;
  const groupDm = channel.type === ChannelType.GroupDM;
  if (groupDm && (input.installedBy ?? 'user') !== 'user') throw new Error('fake-discord: in a group DM only a user install runs commands');
  const commandId = findCommandId(store, guildId, input.commandName) ?? nextSnowflake();
  const data = input.targetMessageId
    ? {
        id: commandId,
        name: input.commandName,
        type: ApplicationCommandType.Message,
        target_id: input.targetMessageId,
        resolved: { messages: { [input.targetMessageId]: store.message(channel.id, input.targetMessageId) } },
        ...(guildId ? { guild_id: guildId } : {}),
      }
    : {
        id: commandId,
        name: input.commandName,
        type: ApplicationCommandType.ChatInput,
        options: input.options ?? [],
        ...resolvedChannels(store, input.options ?? []),
        ...(guildId ? { guild_id: guildId } : {}),
      };
  const who = guildId
    ? { member: interactionMemberPayload(store, store.member(guildId, input.userId), channel) }
    : { user: userPayload(store.user(input.userId)) };
  return {
    id: nextSnowflake(),
    application_id: applicationId,
    type: InteractionType.ApplicationCommand,
    data,
    ...(guildId ? { guild_id: guildId, guild: { id: guildId, locale: 'en-US', features: [] }, guild_locale: 'en-US' } : {}),
    channel: channelPayload(store, channel),
    channel_id: channel.id,
    ...who,
    token: randomToken(),
    version: 1,
    app_permissions: channelPermissions(store, channel, botUserId).toString(),
    locale: input.locale ?? 'en-US',
    entitlements: [],
    authorizing_integration_owners: integrationOwners(guildId, input),
    context: guildId ? InteractionContextType.Guild : groupDm ? InteractionContextType.PrivateChannel : InteractionContextType.BotDM,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
}

/** Installation types (0: the server's, 1: the user's) to the server or user they belong to. */
function integrationOwners(guildId: string | null, input: InteractionInput): Record<string, string> {
  const installedBy = input.installedBy ?? (guildId ? 'server' : 'user');
  return {
    // Outside a server, Discord names a server install "0".
    ...(installedBy !== 'user' ? { '0': guildId ?? '0' } : {}),
    ...(installedBy !== 'server' ? { '1': input.userId } : {}),
  };
}

function findCommandId(store: FakeStore, guildId: string | null, name: string): string | undefined {
  const scopes = guildId ? [guildId, 'global'] : ['global'];
  for (const scope of scopes) {
    const found = store.commands.get(scope)?.find((command) => command.name === name);
    if (found) return found.id;
  }
  return undefined;
}

/** Discord resolves channel options into `data.resolved.channels`, which discord.js reads. */
function resolvedChannels(store: FakeStore, options: APIApplicationCommandInteractionDataOption[]) {
  const ids: string[] = [];
  const visit = (list: readonly APIApplicationCommandInteractionDataOption[]) => {
    for (const option of list) {
      if (option.type === ApplicationCommandOptionType.Channel) ids.push(String(option.value));
      if ('options' in option && option.options) visit(option.options as APIApplicationCommandInteractionDataOption[]);
    }
  };
  visit(options);
  if (ids.length === 0) return {};
  const channels = Object.fromEntries(ids.map((id) => [id, channelPayload(store, store.channel(id))]));
  return { resolved: { channels } };
}
