import { LlamaChat, type ChatHistoryItem, type ChatWrapper, type LlamaGrammar, type LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
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
  refuseUnfitting(pooled, chatWrapper, request);
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

/**
 * A prompt and answer longer than a sequence's context would be shifted to fit, and the default
 * shift drops whole turns (the user's message, say) and answers without them: such a prompt is
 * refused instead.
 */
function refuseUnfitting(pooled: PooledContext, chatWrapper: ChatWrapper, request: GrammarCompletionRequest): void {
  const needed = promptTokens(pooled.context.model, chatWrapper, request.history) + request.maxTokens;
  if (needed <= pooled.context.contextSize) return;
  throw new FeelbotError(
    ErrorCodes.PromptTooLong,
    `The prompt and its answer need ${needed} tokens; the context holds ${pooled.context.contextSize}.`,
    { permanent: true, details: { needed, contextSize: pooled.context.contextSize } },
  );
}

/** The tokens `history` takes as the chat template renders it, markup and all. */
export function promptTokens(model: LlamaModel, chatWrapper: ChatWrapper, history: ChatHistoryItem[]): number {
  return chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
}
