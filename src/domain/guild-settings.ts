import { z } from 'zod';
import { EMOTIONS } from './emotions.js';
import { withinCharacters } from './message-limits.js';
import { cleanWebhookName, WEBHOOK_NAME_MAX_CHARS } from './webhook-name.js';

// Loose: a field another feelbot version wrote into a look stays in it, and goes back to Redis with it.
export const PersonaLookSchema = z.looseObject({
  // Kept as Discord shows it (trimmed, inner whitespace collapsed); applyPersonaLook passes over one Discord would not take.
  name: z
    .string()
    .min(1)
    // In characters as Discord counts them (an emoji is one), with a bound on UTF-16 units for the check's cost.
    .max(WEBHOOK_NAME_MAX_CHARS * 2)
    .refine(withinCharacters(WEBHOOK_NAME_MAX_CHARS), `must be at most ${WEBHOOK_NAME_MAX_CHARS} characters`)
    .transform(cleanWebhookName)
    .optional(),
  // Stored as the URL parser spells it ("HTTPS://x" and "https:x" become "https://x/…"), the one
  // form the repliers recognise as a URL rather than a file of the operator's. Any https URL reads,
  // so a look stored before the settings command checked the host keeps its name; applyPersonaLook
  // passes over an avatar Discord would refuse (isPostableAvatarUrl).
  avatarUrl: z
    .url({ protocol: /^https$/ })
    .transform((url) => new URL(url).href)
    .optional(),
});

export type PersonaLook = z.infer<typeof PersonaLookSchema>;

/**
 * Where and when the bot speaks.
 * - `mention`: only when mentioned or replied to;
 * - `always`: every message;
 * - `auto`: only when the emotion is confident and not neutral;
 * - `off`: never.
 */
export const REPLY_MODES = ['mention', 'always', 'auto', 'off'] as const;
export type ReplyMode = (typeof REPLY_MODES)[number];

/** Not a mode: a channel given it drops its own and follows its parent, its category or the default again. */
export const INHERIT = 'inherit';
/** What an admin may give one channel or category. */
export const CHANNEL_MODE_CHOICES = [...REPLY_MODES, INHERIT] as const;
export type ChannelModeChoice = (typeof CHANNEL_MODE_CHOICES)[number];

export function isReplyMode(value: string): value is ReplyMode {
  return (REPLY_MODES as readonly string[]).includes(value);
}

export function isChannelModeChoice(value: string): value is ChannelModeChoice {
  return (CHANNEL_MODE_CHOICES as readonly string[]).includes(value);
}

export const GuildSettingsSchema = z.object({
  disabledPersonas: z.array(z.enum(EMOTIONS)).default([]),
  /** Reply mode per channel or category id; a thread inherits its parent's, a channel its category's. */
  modes: z.record(z.string(), z.enum(REPLY_MODES)).default({}),
  defaultMode: z.enum(REPLY_MODES).default('mention'),
  /** Seconds between two replies to one user, and in one channel. 0 turns a limit off. */
  userCooldownSeconds: z.number().int().min(0).max(86_400).default(0),
  channelCooldownSeconds: z.number().int().min(0).max(86_400).default(0),
  /** Where admin notices go (missing permissions, webhook limit); none when absent. */
  logChannelId: z.string().optional(),
  /** A guild's own name and avatar URL for a persona, over the operator's. */
  personaLooks: z.partialRecord(z.enum(EMOTIONS), PersonaLookSchema).default({}),
});

export type GuildSettings = z.infer<typeof GuildSettingsSchema>;

export const DEFAULT_GUILD_SETTINGS: GuildSettings = GuildSettingsSchema.parse({});

/** The confidence under which `auto` mode stays quiet. */
export const AUTO_MODE_MIN_CONFIDENCE = 0.6;

export interface ChannelPlace {
  readonly channelId: string;
  /** The parent of a thread, or the category of a channel. */
  readonly parentId?: string | null | undefined;
  /** The category of a thread's parent channel. */
  readonly categoryId?: string | null | undefined;
}

/** The most specific setting wins: the channel itself, then its parent, then the category. */
export function replyModeFor(settings: GuildSettings, place: ChannelPlace): ReplyMode {
  for (const id of [place.channelId, place.parentId, place.categoryId]) {
    const mode = id ? settings.modes[id] : undefined;
    if (mode) return mode;
  }
  return settings.defaultMode;
}

/** The settings with a channel's own mode set, or removed for `inherit`. */
export function withChannelMode(settings: GuildSettings, channelId: string, choice: ChannelModeChoice): GuildSettings {
  if (choice !== INHERIT) return { ...settings, modes: { ...settings.modes, [channelId]: choice } };
  return { ...settings, modes: Object.fromEntries(Object.entries(settings.modes).filter(([id]) => id !== channelId)) };
}

/** The settings with admin notices sent to `channelId`, or to no channel when it is undefined. */
export function withLogChannel(settings: GuildSettings, channelId: string | undefined): GuildSettings {
  const { logChannelId: _previous, ...rest } = settings;
  return channelId === undefined ? rest : { ...rest, logChannelId: channelId };
}

/** Whether a setting names the channel: its own mode, or admin notices sent there. */
export function namesChannel(settings: GuildSettings, channelId: string): boolean {
  return Object.hasOwn(settings.modes, channelId) || settings.logChannelId === channelId;
}

/** The settings with nothing left of a deleted channel, category or thread: no mode of its own, no notices sent there. */
export function withoutChannel(settings: GuildSettings, channelId: string): GuildSettings {
  const unmoded = withChannelMode(settings, channelId, INHERIT);
  return settings.logChannelId === channelId ? withLogChannel(unmoded, undefined) : unmoded;
}

/** Every channel, category or thread a setting names: those with a mode of their own, and the log channel. */
export function namedChannelIds(settings: GuildSettings): string[] {
  const named = new Set(Object.keys(settings.modes));
  if (settings.logChannelId !== undefined) named.add(settings.logChannelId);
  return [...named];
}
