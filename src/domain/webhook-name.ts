import { confusableSkeleton } from './confusable-skeleton.js';
import { characterCount } from './message-limits.js';

/**
 * Discord's limits on a webhook's name, which also bind the username a webhook message posts
 * under: in characters as Discord counts them (code points, an emoji being one).
 */
export const WEBHOOK_NAME_MAX_CHARS = 80;

/** Discord refuses a webhook name or username that contains either word, in any case (400 Invalid Form Body). */
const FORBIDDEN_IN_WEBHOOK_NAMES = /discord|clyde/i;

/** Nor may a username be one of these whole, in any case (its Usernames and Nicknames rules): they read as pings. */
const RESERVED_WEBHOOK_NAMES = /^(everyone|here)$/i;

/** Characters that show nothing: format characters (zero-width spaces and joiners, BOM), controls, spaces. */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Z}\s]/gu;

/** What Discord's sanitiser deletes from a name: format characters (zero-width ones, soft hyphens) and controls. */
const DELETED_BY_DISCORD = /[\p{Cf}\p{Cc}]/gu;

export const WEBHOOK_NAME_RULE = `1 to ${WEBHOOK_NAME_MAX_CHARS} characters with something visible, without "discord" or "clyde", and not "everyone" or "here"`;

/**
 * A name as Discord keeps it: "sanitized and trimmed of leading, trailing, and excessive internal
 * whitespace" (its Usernames and Nicknames rules), so it is stored and sent in that form.
 */
export function cleanWebhookName(name: string): string {
  return name.replace(/\s+/g, ' ').trim();
}

/**
 * True when Discord takes the name as it is meant. A username with nothing visible in it (blanks,
 * zero-width spaces) is dropped silently, and the post shows the webhook's own name instead; one
 * that spells a forbidden word around zero-width characters is refused once Discord deletes them.
 * Blanks Discord only collapses, so "Cold is cordial" holds no "discord". "everyone" and "here" are
 * refused only as the whole name: "Here and now" is a name.
 */
export function isAllowedWebhookName(name: string): boolean {
  const visible = name.replace(INVISIBLE, '');
  const kept = sanitized(name);
  return visible.length >= 1 && characterCount(name) <= WEBHOOK_NAME_MAX_CHARS && !FORBIDDEN_IN_WEBHOOK_NAMES.test(kept) && !RESERVED_WEBHOOK_NAMES.test(kept);
}

/**
 * Whether a name Discord shows is the one sent: compared without the characters Discord may drop
 * or collapse (invisible ones, runs of whitespace).
 */
export function sameWebhookName(shown: string | undefined, sent: string): boolean {
  return shown !== undefined && sanitized(shown) === sanitized(sent);
}

/**
 * Whether members would read two names as one character's: as sameWebhookName compares them, and
 * without case, width, "fancy text" alphabets, characters that show nothing or look-alike letters
 * of other scripts, since Discord shows each as typed and a reader takes "joy", "Ｊｏｙ", "ᴊᴏʏ",
 * "Joyㅤ" (with a Hangul filler) or "Jоy" (with a Cyrillic "о") beside "Joy" for one name. Blanks
 * are collapsed and trimmed after the skeleton, as those next to a filler it drops show as one.
 */
export function readsAsSameWebhookName(one: string, other: string): boolean {
  return sanitized(confusableSkeleton(one)) === sanitized(confusableSkeleton(other));
}

/** A name as Discord's sanitiser leaves it: zero-width characters and controls deleted, whitespace trimmed and collapsed. */
function sanitized(name: string): string {
  return name.replace(DELETED_BY_DISCORD, '').replace(/\s+/g, ' ').trim();
}
