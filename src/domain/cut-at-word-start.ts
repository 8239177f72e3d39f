/**
 * A cut by a count of characters (cut-text) lands inside a word as often as not, and what is left
 * of a word can say the opposite of it: "I am so unhappy today" cut inside "unhappy" reads "happy
 * today". This moves such a cut on to the next word.
 */

const words = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * Longer than any word of prose, German compounds included: a cut inside a longer run (a link, a
 * hash, a key) stays where it fell, since dropping the rest of it could drop most of the text.
 */
const LONGEST_WORD = 50;

/**
 * `tail`, an end of `text` (as tailChars or tailCharacters cut it), without the part of a word it
 * starts with: it starts between two words, as a cut that missed them does. The blank before the
 * next word stays: a tokenizer counts " word" after the cut as it does inside the text, where
 * "word" alone can take a token more. Text without blanks (Chinese, Japanese) is cut between its
 * words as Intl.Segmenter finds them. A cut inside the text's last word, with nothing but blanks
 * after it, stays where it fell: moved on, it would leave nothing of the text.
 */
export function cutAtWordStart(text: string, tail: string): string {
  const at = text.length - tail.length;
  if (at <= 0) return tail;
  // Asks for the one word at the cut: spreading the words of a 100,000-character text would be slow.
  const word = words.segment(text).containing(at);
  if (!word?.isWordLike || word.index === at) return tail;
  const end = word.index + word.segment.length;
  const next = text.slice(end);
  // The cut fell in the text's last word: moving it on would keep nothing, and part of a word says more than none.
  return end - at > LONGEST_WORD || next.trim() === '' ? tail : next;
}
