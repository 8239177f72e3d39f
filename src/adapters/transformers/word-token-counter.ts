import type { PreTrainedTokenizer } from '@huggingface/transformers';

/**
 * Counts the tokens a model's tokenizer makes of a word, [CLS] and [SEP] aside, so that a long
 * text is cut into windows the model reads whole (splitIntoWindows). Exact for WordPiece, which
 * splits on whitespace before it cuts words into pieces; about so for BPE and SentencePiece, and
 * transformers.js still cuts an input at the model's limit. Each word is counted once per counter:
 * chat repeats its words, and a new counter per batch keeps memory bounded.
 */
export function wordTokenCounter(tokenizer: PreTrainedTokenizer): (word: string) => number {
  const counts = new Map<string, number>();
  return (word) => {
    let count = counts.get(word);
    if (count === undefined) {
      count = tokenizer.encode(word, { add_special_tokens: false }).length;
      counts.set(word, count);
    }
    return count;
  };
}
