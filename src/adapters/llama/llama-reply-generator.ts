import { setMaxListeners } from 'node:events';
import { LlamaChat, resolveChatWrapper, type ChatWrapper, type LlamaModel } from 'node-llama-cpp';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import type { GenerationRequest, GenerationResult, Prompt, ReplyGenerator } from '../../ports/reply-generator.js';
import { fitPrompt } from '../../domain/fit-prompt.js';
import { toChatHistory } from './chat-history.js';
import { isStoppedAtStopTrigger, isTruncated, keptOnAbort, responseOptions } from './chat-response.js';
import { promptTokens } from './grammar-completion.js';
import { createGenerationSignal } from './generation-signal.js';
import { evaluatePromptAhead } from './evaluate-prompt-ahead.js';
import { LoraContexts } from './lora-contexts.js';
import type { GpuBackend } from './select-gpu.js';
import { createPooledContext } from './pooled-context.js';
import { defaultThreads } from './default-threads.js';
import { LLM_DEFAULTS } from './llm-defaults.js';
import { ReplySequences } from './reply-sequences.js';

export interface LlamaReplyGeneratorOptions {
  /** Conversations generated at once, as sequences of one context. Defaults to `4`. */
  readonly sequences?: number;
  /** Tokens each conversation can see (prompt plus reply). Defaults to `4_096`. */
  readonly contextSize?: number;
  /**
   * Longest generating a reply may take; waiting for a free sequence does not count. On the
   * deadline the text so far is returned, or GENERATION_TIMEOUT when there is none. Defaults to `60_000`.
   */
  readonly timeoutMs?: number;
  /** CPU threads for evaluation. Defaults to one less than the machine's math cores (at least 1). */
  readonly threads?: number;
  /** Sequences of each LoRA adapter's own context (`LLM_LORA_SEQUENCES`). Defaults to `1`. */
  readonly loraSequences?: number;
  /** Flash attention in llama.cpp: on, off, or its own choice. Defaults to `defaultFlashAttention`. */
  readonly flashAttention?: boolean | 'auto';
  /** Where warnings go (a LoRA adapter left out for lack of memory). Defaults to dropping them. */
  readonly logger?: Logger;
}

export const DefaultLlamaReplyGeneratorOptions = {
  ...LLM_DEFAULTS,
} as const satisfies LlamaReplyGeneratorOptions;

/**
 * Creates the generator on an already loaded model (one per process, owned by the caller).
 * The chat format comes from the model's own template via node-llama-cpp's chat wrappers.
 */
export async function createLlamaReplyGenerator(
  model: LlamaModel,
  options: LlamaReplyGeneratorOptions = {},
): Promise<ReplyGenerator> {
  const settings = { ...DefaultLlamaReplyGeneratorOptions, threads: defaultThreads(model.llama), ...options };
  const base = await createPooledContext(model, settings);
  const lora = new LoraContexts(
    (loraPath) => createPooledContext(model, { ...settings, sequences: settings.loraSequences, loraPath }),
    backendOf(model),
  );
  const sequences = new ReplySequences(base, lora, options.logger ?? NO_LOGS);
  return new LlamaReplyGenerator(sequences, resolveChatWrapper(model), settings);
}

/**
 * Counts a prompt as `model`'s chat template renders it, markup and all: what a reply's context
 * must hold, both here and in the start-up check that every persona leaves a message room in it.
 */
export function renderedPromptTokens(model: LlamaModel, chatWrapper: ChatWrapper = resolveChatWrapper(model)): (prompt: Prompt) => number {
  return (prompt) => promptTokens(model, chatWrapper, toChatHistory(prompt));
}

function backendOf(model: LlamaModel): GpuBackend {
  const { gpu } = model.llama;
  return gpu === 'cuda' || gpu === 'vulkan' ? gpu : 'cpu';
}

class LlamaReplyGenerator implements ReplyGenerator {
  readonly parallelism: number;
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly sequences: ReplySequences,
    private readonly chatWrapper: ChatWrapper,
    private readonly settings: Required<Omit<LlamaReplyGeneratorOptions, 'threads' | 'flashAttention' | 'logger'>>,
  ) {
    this.parallelism = settings.sequences;
    // One listener per reply waiting for or holding a sequence, each removed once served: the callers' concurrency, not a leak.
    setMaxListeners(0, this.shutdown.signal);
  }

  generate(request: GenerationRequest): Promise<GenerationResult> {
    const reply = this.generateReply(request);
    this.inFlight.add(reply);
    void reply.finally(() => this.inFlight.delete(reply)).catch(() => {});
    return reply;
  }

  async dispose(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled(this.inFlight);
    await this.sequences.dispose();
  }

  private async generateReply(request: GenerationRequest): Promise<GenerationResult> {
    const { sequence, release } = await this.sequences.take(request, this.shutdown.signal);
    // Timed from here, not from the call: tokens per second under load is the model's speed, not the pool's.
    const started = performance.now();
    request.onStart?.();
    // The timeout starts now: replies queued behind one persona's LoRA context are not late for waiting.
    let deadline: ReturnType<typeof createGenerationSignal> | undefined;
    let chat: LlamaChat | undefined;
    try {
      deadline = createGenerationSignal({
        request: request.signal,
        shutdown: this.shutdown.signal,
        timeoutMs: this.settings.timeoutMs,
      });
      chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper, autoDisposeSequence: false });
      // A sequence is reused across conversations; start each reply from an empty KV cache.
      await sequence.clearHistory();
      let firstTokenAt: number | undefined;
      let tokens = 0;
      const { sampling } = request;
      const model = sequence.model;
      // Counted as the template renders it: LlamaChat would erase what runs past the context.
      const prompt = fitPrompt(
        request.prompt,
        sequence.contextSize - sampling.maxTokens,
        (text) => model.tokenize(text).length,
        renderedPromptTokens(model, this.chatWrapper),
      );
      const history = toChatHistory(prompt);
      // LlamaChat reads the whole prompt before it looks at the signal; read it here, where the signal is watched.
      await evaluatePromptAhead(sequence, this.chatWrapper, history, deadline.signal);
      const response = await chat.generateResponse(
        history,
        // The prompt as built, not as fitted: a speaker whose message was dropped to fit may still be written as.
        responseOptions(
          sampling,
          deadline.signal,
          (chunk) => {
            firstTokenAt ??= performance.now();
            tokens += chunk.length;
          },
          request.prompt.speakers,
        ),
      );
      keptOnAbort(deadline.signal, response.response);
      const finished = performance.now();
      return {
        text: response.response,
        tokens,
        truncated: isTruncated(response),
        stoppedAtStopTrigger: isStoppedAtStopTrigger(response),
        firstTokenMs: (firstTokenAt ?? finished) - started,
        totalMs: finished - started,
      };
    } catch (error) {
      throw deadline?.signal.aborted ? deadline.signal.reason : error;
    } finally {
      // Whatever failed, even before generation, the timer stops and the sequence goes back to the pool.
      deadline?.done();
      chat?.dispose({ disposeSequence: false });
      release();
    }
  }
}
