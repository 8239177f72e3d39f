import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { emotionLabel, EMOTIONS } from '../../domain/emotions.js';
import { CHANNEL_MODE_CHOICES, REPLY_MODES } from '../../domain/guild-settings.js';
import { MAX_MESSAGE_CHARS } from '../../domain/message-limits.js';

export const FEEL_COMMAND = 'feel';
export const ANALYZE_MESSAGE_COMMAND = 'Analyze emotion';
export const SETTINGS_COMMAND = 'feelbot';

/** Discord caps a string option at 6,000; a chat message is at most 4,000. */
const MAX_FEEL_TEXT = MAX_MESSAGE_CHARS;
/** A day: longer cooldowns are better expressed as turning the channel off. */
const MAX_COOLDOWN_SECONDS = 86_400;

/**
 * Where the analyses may be asked: servers, DMs with the bot, and other DMs and group DMs, which
 * only a user install reaches. Set on each command, since unset ones take whatever installs the
 * app's Developer Portal allows.
 */
const ANALYSIS_CONTEXTS = [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel] as const;
const ANALYSIS_INSTALLS = [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall] as const;

const feel = new SlashCommandBuilder()
  .setName(FEEL_COMMAND)
  .setDescription('Find the core emotion in a text, with a chart and a word from its character')
  .setContexts(...ANALYSIS_CONTEXTS)
  .setIntegrationTypes(...ANALYSIS_INSTALLS)
  .addStringOption((option) =>
    option.setName('text').setDescription('What to analyze').setRequired(true).setMaxLength(MAX_FEEL_TEXT),
  )
  .addBooleanOption((option) => option.setName('public').setDescription('Show the answer to everyone (default: only you)'));

const analyzeMessage = new ContextMenuCommandBuilder()
  .setName(ANALYZE_MESSAGE_COMMAND)
  .setType(ApplicationCommandType.Message)
  .setContexts(...ANALYSIS_CONTEXTS)
  .setIntegrationTypes(...ANALYSIS_INSTALLS);

/**
 * Admin settings. Hidden from members without Manage Server, and checked again when used. Only
 * with the server's install: a user install would offer it in servers the bot is not in.
 */
const settings = new SlashCommandBuilder()
  .setName(SETTINGS_COMMAND)
  .setDescription('Configure feelbot for this server')
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((sub) =>
    sub
      .setName('persona')
      .setDescription('Allow or forbid one character')
      .addStringOption((option) =>
        option
          .setName('name')
          .setDescription('The character')
          .setRequired(true)
          .addChoices(...EMOTIONS.map((emotion) => ({ name: emotionLabel(emotion), value: emotion }))),
      )
      .addBooleanOption((option) => option.setName('enabled').setDescription('Whether it may answer').setRequired(true))
      .addStringOption((option) =>
        option.setName('display_name').setDescription("This server's name for the character").setMinLength(1).setMaxLength(80),
      )
      .addStringOption((option) =>
        option.setName('avatar_url').setDescription("This server's avatar for it: an https image URL").setMaxLength(500),
      )
      .addBooleanOption((option) =>
        option.setName('reset_look').setDescription("Back to feelbot's own name and avatar for it (before any given here)"),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('channel')
      .setDescription('When feelbot answers in a channel or category (threads follow their parent)')
      .addStringOption((option) =>
        option
          .setName('mode')
          .setDescription('mention: when mentioned; always; auto: clear emotions only; off; inherit: as its parent')
          .setRequired(true)
          .addChoices(...CHANNEL_MODE_CHOICES.map((mode) => ({ name: mode, value: mode }))),
      )
      .addChannelOption((option) =>
        option
          .setName('channel')
          .setDescription('Channel or category (default: this channel)')
          // Every kind of channel feelbot answers in: voice and stage channels have text chats, and
          // media channels' posts are threads like a forum's.
          .addChannelTypes(
            ChannelType.GuildText,
            ChannelType.GuildAnnouncement,
            ChannelType.GuildForum,
            ChannelType.GuildMedia,
            ChannelType.GuildVoice,
            ChannelType.GuildStageVoice,
            ChannelType.GuildCategory,
          ),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('default')
      .setDescription('When feelbot answers where no channel or category has a mode of its own')
      .addStringOption((option) =>
        option
          .setName('mode')
          .setDescription('mention: when mentioned; always; auto: clear emotions only; off: only where given a mode')
          .setRequired(true)
          .addChoices(...REPLY_MODES.map((mode) => ({ name: mode, value: mode }))),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('cooldown')
      .setDescription('Seconds between replies to one person and in one channel (0 = none)')
      .addIntegerOption((option) => option.setName('user').setDescription('Per person').setMinValue(0).setMaxValue(MAX_COOLDOWN_SECONDS))
      .addIntegerOption((option) => option.setName('channel').setDescription('Per channel').setMinValue(0).setMaxValue(MAX_COOLDOWN_SECONDS)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('logchannel')
      .setDescription('Where feelbot tells admins about missing permissions')
      .addChannelOption((option) =>
        option.setName('channel').setDescription('A text channel (leave out to send no notices)').addChannelTypes(ChannelType.GuildText),
      ),
  )
  .addSubcommand((sub) => sub.setName('settings').setDescription('Show all settings at a glance'));

/** Every command feelbot registers, as Discord's API takes them. */
export function commandDefinitions(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [feel.toJSON(), analyzeMessage.toJSON(), settings.toJSON()];
}
