import { LlamaChat, type ChatHistoryItem, type ChatWrapper, type LlamaGrammar, type LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { PooledContext } from './pooled-context.js';
import { renderedTokens } from './rendered-tokens.js';

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
  const maxTokens = answerRoom(pooled, chatWrapper, request);
  const sequence = await pooled.sequences.acquire(request.signal);
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false });
  try {
    await sequence.clearHistory();
    const { response } = await chat.generateResponse(request.history, {
      grammar: request.grammar,
      maxTokens,
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
 * The answer's token limit within what the prompt leaves of a sequence's context. A completion
 * past the context would be shifted, and the default shift drops whole turns (the user's message,
 * say) and answers without them; a prompt that leaves no room at all is refused.
 */
function answerRoom(pooled: PooledContext, chatWrapper: ChatWrapper, request: GrammarCompletionRequest): number {
  const prompt = promptTokens(pooled.context.model, chatWrapper, request.history);
  const room = pooled.context.contextSize - prompt;
  if (room > 0) return Math.min(request.maxTokens, room);
  throw new FeelbotError(ErrorCodes.PromptTooLong, `The prompt takes ${prompt} tokens; the context holds ${pooled.context.contextSize}.`, {
    permanent: true,
    details: { prompt, contextSize: pooled.context.contextSize },
  });
}

/** The tokens `history` takes as the chat template renders it, markup and all. */
export function promptTokens(model: LlamaModel, chatWrapper: ChatWrapper, history: ChatHistoryItem[]): number {
  return renderedTokens(model, chatWrapper, history).length;
}
