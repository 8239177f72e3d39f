import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { isPostableAvatarUrl } from '../../domain/avatar-url.js';
import { emotionLabel, EMOTIONS, type Emotion } from '../../domain/emotions.js';
import {
  INHERIT,
  isChannelModeChoice,
  isReplyMode,
  PersonaLookSchema,
  replyModeFor,
  withChannelMode,
  withLogChannel,
  type ChannelPlace,
  type GuildSettings,
} from '../../domain/guild-settings.js';
import type { PersonaSet } from '../../domain/persona.js';
import { personaNameClash, type PersonaNameClash } from '../../domain/persona-name-clash.js';
import { isAllowedWebhookName, WEBHOOK_NAME_RULE } from '../../domain/webhook-name.js';
import type { SettingsStore } from '../../ports/settings-store.js';
import { describeSettings } from './describe-settings.js';

/**
 * /feelbot: the admin settings. Discord hides it from members without Manage Server, but a client
 * can still send the interaction, so the permission is checked here again, from the interaction's
 * own resolved permissions. `personas` are the operator's, whose names no other persona's look may take.
 */
export async function handleSettingsCommand(interaction: ChatInputCommandInteraction, store: SettingsStore, personas: PersonaSet): Promise<void> {
  if (!interaction.inGuild() || !interaction.guildId) {
    await interaction.reply({ content: 'Settings belong to a server; use this command in one.', flags: MessageFlags.Ephemeral });
    return;
  }
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    await interaction.reply({ content: 'Only members with the Manage Server permission can change feelbot settings.', flags: MessageFlags.Ephemeral });
    return;
  }
  const guildId = interaction.guildId;
  const sub = interaction.options.getSubcommand(true);
  const answer = await applySubcommand(sub, interaction, guildId, store, personas);
  await interaction.reply({ content: answer, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function applySubcommand(sub: string, interaction: ChatInputCommandInteraction, guildId: string, store: SettingsStore, personas: PersonaSet): Promise<string> {
  switch (sub) {
    case 'persona': {
      const name = interaction.options.getString('name', true) as Emotion;
      if (!EMOTIONS.includes(name)) return `Unknown persona "${name}".`;
      const enabled = interaction.options.getBoolean('enabled', true);
      const look = PersonaLookSchema.safeParse({
        name: interaction.options.getString('display_name') ?? undefined,
        avatarUrl: interaction.options.getString('avatar_url') ?? undefined,
      });
      if (!look.success) return 'The avatar must be an https URL of an image, and the name 1 to 80 characters.';
      if (look.data.name !== undefined && !isAllowedWebhookName(look.data.name)) return `The name must be ${WEBHOOK_NAME_RULE}: Discord refuses others.`;
      if (look.data.avatarUrl !== undefined && !isPostableAvatarUrl(look.data.avatarUrl)) return AVATAR_URL_RULE;
      // Only what this command gave replaces the stored look: toggling a persona keeps its name and
      // avatar. reset_look drops the stored look first, so the operator's own shows again.
      const given = Object.fromEntries(Object.entries(look.data).filter(([, value]) => value !== undefined));
      const reset = interaction.options.getBoolean('reset_look') ?? false;
      // Checked against the looks as this change finds them, so two admins cannot give two personas one name.
      const displayName = look.data.name;
      let clash: PersonaNameClash | undefined;
      const next = await store.update(guildId, (current) => {
        clash = displayName === undefined ? undefined : personaNameClash(name, displayName, personas, current.personaLooks);
        if (clash) return current;
        const { [name]: stored, ...otherLooks } = current.personaLooks;
        const kept = { ...(reset ? {} : stored), ...given };
        return { ...withPersona(current, name, enabled), personaLooks: Object.keys(kept).length > 0 ? { ...otherLooks, [name]: kept } : otherLooks };
      });
      if (clash && displayName !== undefined) return nameClashAnswer(displayName, name, clash);
      return `${emotionLabel(name)} is now ${enabled ? 'allowed' : 'silent'}.${enabled ? '' : everyoneSilentWarning(next)}\n${describeSettings(next)}`;
    }
    case 'channel': {
      const choice = interaction.options.getString('mode', true);
      if (!isChannelModeChoice(choice)) return `Unknown mode "${choice}".`;
      const named = interaction.options.getChannel('channel');
      if (named && !inThisServer(named, guildId)) return notInThisServer(named.id);
      const channelId = named?.id ?? interaction.channelId;
      const next = await store.update(guildId, (current) => withChannelMode(current, channelId, choice));
      if (choice === INHERIT) {
        const follows = replyModeFor(next, placeIn(interaction, channelId));
        return `<#${channelId}> has no mode of its own now: it follows its parent, its category or the server's default (**${follows}** at present).\n${describeSettings(next)}`;
      }
      return `Reply mode in <#${channelId}> is now **${choice}**.${missingPermissionWarning(interaction, channelId, choice)}\n${describeSettings(next)}`;
    }
    case 'default': {
      const mode = interaction.options.getString('mode', true);
      if (!isReplyMode(mode)) return `Unknown mode "${mode}".`;
      const next = await store.update(guildId, (current) => ({ ...current, defaultMode: mode }));
      return `Where no channel or category has a mode of its own, the reply mode is now **${mode}**.\n${describeSettings(next)}`;
    }
    case 'cooldown': {
      const user = interaction.options.getInteger('user');
      const channel = interaction.options.getInteger('channel');
      const next = await store.update(guildId, (current) => ({
        ...current,
        userCooldownSeconds: user ?? current.userCooldownSeconds,
        channelCooldownSeconds: channel ?? current.channelCooldownSeconds,
      }));
      return `Cooldowns updated.\n${describeSettings(next)}`;
    }
    case 'logchannel': {
      // Without a channel the notices stop: the way to drop a log channel that was deleted.
      const named = interaction.options.getChannel('channel');
      if (named && !inThisServer(named, guildId)) return notInThisServer(named.id);
      const channelId = named?.id;
      const next = await store.update(guildId, (current) => withLogChannel(current, channelId));
      if (channelId === undefined) return `Admin notices go nowhere now.\n${describeSettings(next)}`;
      return `Admin notices go to <#${channelId}>.${logChannelWarning(interaction, channelId)}\n${describeSettings(next)}`;
    }
    default:
      return describeSettings(await store.get(guildId));
  }
}

/** Discord answers an avatar_url on a host without a dot "Not a well formed URL" and posts nothing. */
const AVATAR_URL_RULE =
  'The avatar must be an https URL of an image on a named host (as https://cdn.example.com/joy.png), not an IP address, without a user name or password: Discord refuses others.';

/** A name members would read as another persona's: refused, naming that persona and where its name comes from. */
function nameClashAnswer(given: string, emotion: Emotion, clash: PersonaNameClash): string {
  const whose = `${clash.name} (the ${clash.emotion} persona)`;
  const where = clash.shown ? `already the name ${whose} shows in this server` : `the name ${whose} has by default, and shows again when its look is reset`;
  return `"${given}" is ${where}: members would take ${emotionLabel(emotion)}'s words for ${clash.name}'s. Choose another name; nothing changed.`;
}

/** Said when no persona is left to speak: pickPersona finds none, so every reply in the server is dropped. */
function everyoneSilentWarning(settings: GuildSettings): string {
  if (EMOTIONS.some((emotion) => !settings.disabledPersonas.includes(emotion))) return '';
  return '\n⚠️ Every persona is silent: feelbot will now answer no one in this server, until one is allowed again.';
}

type NamedChannel = NonNullable<ReturnType<ChatInputCommandInteraction['options']['getChannel']>>;

/**
 * Whether a channel option names a channel of this server, as far as the gateway's cache knows
 * (Discord offers only the server's own): a channel it has not cached counts as one.
 */
function inThisServer(channel: NamedChannel, guildId: string): boolean {
  return !('guildId' in channel) || channel.guildId === guildId;
}

function notInThisServer(channelId: string): string {
  return `<#${channelId}> is not a channel of this server; nothing changed.`;
}

function withPersona(settings: GuildSettings, emotion: Emotion, enabled: boolean): GuildSettings {
  const disabled = new Set(settings.disabledPersonas);
  if (enabled) disabled.delete(emotion);
  else disabled.add(emotion);
  return { ...settings, disabledPersonas: EMOTIONS.filter((e) => disabled.has(e)) };
}

/** Where a channel sits, as far as the gateway's cache knows: one it has not cached counts by its id alone. */
function placeIn(interaction: ChatInputCommandInteraction, channelId: string): ChannelPlace {
  const channel = interaction.guild?.channels.cache.get(channelId);
  if (!channel) return { channelId };
  return { channelId, parentId: channel.parentId, categoryId: channel.isThread() ? channel.parent?.parentId : null };
}

/** What the bot needs in a channel to speak there as the personas (its webhooks), and in its threads. */
const SPEAKING_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ManageWebhooks, PermissionFlagsBits.SendMessagesInThreads];

/** What a reply reads with: the messages before the one it answers. Without it replies still post. */
const HISTORY_PERMISSIONS = [PermissionFlagsBits.ReadMessageHistory];

/** What admin notices need in the log channel: they are posted as the bot's own messages. */
const NOTICE_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages];

/** Tells the admin at once, in the interaction, when the bot could not speak where it was told to. */
function missingPermissionWarning(interaction: ChatInputCommandInteraction, channelId: string, mode: string): string {
  if (mode === 'off') return '';
  const missing = missingIn(interaction, channelId, SPEAKING_PERMISSIONS);
  const blind = missingIn(interaction, channelId, HISTORY_PERMISSIONS);
  return (
    (missing.length ? `\n⚠️ I am missing ${missing.join(', ')} in <#${channelId}>; replies there will fail until an admin grants it.` : '') +
    (blind.length ? `\n⚠️ I am missing ${blind.join(', ')} in <#${channelId}>; replies there will not see the messages before the one they answer.` : '')
  );
}

/** Tells the admin at once when notices could not be posted in the log channel they chose. */
function logChannelWarning(interaction: ChatInputCommandInteraction, channelId: string): string {
  const missing = missingIn(interaction, channelId, NOTICE_PERMISSIONS);
  return missing.length ? `\n⚠️ I am missing ${missing.join(', ')} in <#${channelId}>; notices there will fail until an admin grants it.` : '';
}

/** The bot's permissions among `needed` that it lacks in the channel, as far as the gateway's cache knows. */
function missingIn(interaction: ChatInputCommandInteraction, channelId: string, needed: bigint[]): string[] {
  const me = interaction.guild?.members.me;
  if (!me || !interaction.guild?.channels.cache.has(channelId)) return [];
  return me.permissionsIn(channelId).missing(needed);
}
