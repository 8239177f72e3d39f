/**
 * The longest message Discord allows (with Nitro), in characters as Discord counts them: code
 * points, an emoji being one. Chat jobs, `/feel`, the HTTP API, the CLI and the classifier's input
 * all hold at most this many characters.
 */
export const MAX_MESSAGE_CHARS = 4_000;

/** The most UTF-16 units (`.length`) a text of MAX_MESSAGE_CHARS characters takes: two each at most. */
export const MAX_MESSAGE_UNITS = 2 * MAX_MESSAGE_CHARS;

/** True when the text holds at most `max` characters as Discord counts them (for schemas). */
export function withinCharacters(max: number): (text: string) => boolean {
  return (text) => text.length <= max || characterCount(text) <= max;
}

/** A text's length as Discord counts it: in characters (code points), an emoji being one. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
