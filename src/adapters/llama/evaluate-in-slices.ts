import type { LlamaContextSequence, Token } from 'node-llama-cpp';

/**
 * Tokens read between two looks at the signal: one llama.cpp decode of this many cannot be
 * interrupted, and smaller ones waste the batching that makes prompt reading fast.
 */
export const PROMPT_SLICE_TOKENS = 128;

/**
 * Reads `tokens` into `sequence` without generating, `sliceTokens` at a time, and throws the
 * signal's reason before the next slice once it is aborted: node-llama-cpp reads a whole prompt in
 * one call and looks at its signal only between generated tokens.
 */
export async function evaluateInSlices(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
  signal: AbortSignal,
  sliceTokens: number = PROMPT_SLICE_TOKENS,
): Promise<void> {
  for (let start = 0; start < tokens.length; start += sliceTokens) {
    signal.throwIfAborted();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(start, start + sliceTokens));
  }
}
