import type { ChatHistoryItem, ChatWrapper, LlamaContextSequence } from 'node-llama-cpp';
import { evaluateInSlices } from './evaluate-in-slices.js';
import { renderedTokens } from './rendered-tokens.js';

/**
 * Reads all but the last token of `history`, rendered as LlamaChat renders it, into the cleared
 * `sequence` in slices that stop once `signal` aborts. LlamaChat.generateResponse then keeps that
 * prefix of the sequence's state (adaptStateToTokens) and reads only the last token, which it holds
 * back itself to sample the reply's first token from. A deadline, cancel or shutdown then waits for
 * one slice at most, not for the whole prompt.
 */
export async function evaluatePromptAhead(
  sequence: LlamaContextSequence,
  chatWrapper: ChatWrapper,
  history: ChatHistoryItem[],
  signal: AbortSignal,
): Promise<void> {
  // `history` already ends with the model's empty turn, as LlamaChat would add it.
  const tokens = renderedTokens(sequence.model, chatWrapper, history);
  await evaluateInSlices(sequence, tokens.slice(0, -1), signal);
}
