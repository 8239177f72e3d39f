import { MAX_MESSAGE_CHARS } from '../domain/message-limits.js';

/**
 * The longest text feelbot classifies: Discord's longest message (Nitro), and the HTTP API's
 * limit. The edges enforce it: the CLI rejects longer texts, the worker keeps a burst's newest
 * characters (keepNewestChars).
 */
export const MAX_INPUT_CHARS = MAX_MESSAGE_CHARS;

/** True for the second half of a UTF-16 surrogate pair, which means nothing on its own. */
const LOW_SURROGATE = /^[\uDC00-\uDFFF]/;

/** The last MAX_INPUT_CHARS characters of `text`, without half of an emoji at the cut. */
export function keepNewestChars(text: string): string {
  if (text.length <= MAX_INPUT_CHARS) return text;
  return text.slice(-MAX_INPUT_CHARS).replace(LOW_SURROGATE, '');
}
