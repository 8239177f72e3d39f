import { tailChars } from '../../domain/cut-text.js';

/** Each cut keeps a little less than the share that fits, so few rounds of counting are needed. */
const CUT_MARGIN = 0.95;

/**
 * The newest part of `text` that `countTokens` finds within `maxTokens`: the start is cut (on a
 * grapheme boundary), since the end of a message is what it comes to. Counting the text as the
 * prompt shows it (quoted, say) lets the count include what showing it adds.
 */
export function newestWithinTokens(text: string, maxTokens: number, countTokens: (text: string) => number): string {
  let kept = text;
  let tokens = countTokens(kept);
  while (tokens > maxTokens && kept.length > 0) {
    const share = Math.floor(kept.length * (Math.max(maxTokens, 0) / tokens) * CUT_MARGIN);
    kept = tailChars(kept, Math.min(share, kept.length - 1));
    tokens = countTokens(kept);
  }
  return kept;
}
