import { LlamaChat, type ChatHistoryItem, type ChatWrapper, type LlamaGrammar } from 'node-llama-cpp';
import type { PooledContext } from './pooled-context.js';

export interface GrammarCompletionRequest {
  readonly history: ChatHistoryItem[];
  readonly grammar: LlamaGrammar;
  readonly maxTokens: number;
  /** Defaults to `0` (greedy), so the same input gets the same answer. */
  readonly temperature?: number;
  readonly signal?: AbortSignal | undefined;
}

/** Runs one grammar-constrained answer on a free sequence of `pooled` and returns its raw text. */
export async function completeWithGrammar(
  pooled: PooledContext,
  chatWrapper: ChatWrapper,
  request: GrammarCompletionRequest,
): Promise<string> {
  const sequence = await pooled.sequences.acquire(request.signal);
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false });
  try {
    await sequence.clearHistory();
    const { response } = await chat.generateResponse(request.history, {
      grammar: request.grammar,
      maxTokens: request.maxTokens,
      temperature: request.temperature ?? 0,
      signal: request.signal,
    });
    return response;
  } finally {
    chat.dispose({ disposeSequence: false });
    pooled.sequences.release(sequence);
  }
}
