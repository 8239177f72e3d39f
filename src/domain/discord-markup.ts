/**
 * Discord's own markup in a message as Discord sends it: what the classifiers read (the reply's
 * prompt gets the names people see instead).
 */

/** User, role and channel mentions ("<@123>", "<@!123>", "<@&123>", "<#123>"). */
export const MENTION = /<(@[!&]?|#)[0-9]+>/g;
/** Timestamps ("<t:1700000000:R>", shown as "in 2 hours"). */
export const TIMESTAMP = /<t:[0-9]+(:[tTdDfFR])?>/g;
/** Command mentions ("</feel now:123>"): a command is a name plus up to two sub-command words. */
export const COMMAND_MENTION = /<\/[^\x00-\x20:<>/]+( [^\x00-\x20:<>/]+){0,2}:[0-9]+>/gu;
/** Custom emoji ("<:pepe_sad:123>", animated "<a:party:123>"), whose name is group 1. */
export const CUSTOM_EMOJI = /<a?:([A-Za-z0-9_]+):[0-9]+>/g;

/**
 * The text with Discord's markup read as a person sees it, for a classifier without feelbot's
 * normaliser (a hub model, the LLM): mentions, timestamps and command mentions carry no feeling and
 * go; a custom emoji keeps its name as people type it (":sadCat:").
 */
export function withoutDiscordMarkup(text: string): string {
  return text
    .replace(MENTION, ' ')
    .replace(TIMESTAMP, ' ')
    .replace(COMMAND_MENTION, ' ')
    .replace(CUSTOM_EMOJI, (_match, name: string) => `:${name}:`)
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
