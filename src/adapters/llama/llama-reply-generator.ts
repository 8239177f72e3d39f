import { LlamaChat, resolveChatWrapper, type ChatWrapper, type LlamaContextSequence, type LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import type { GenerationRequest, GenerationResult, ReplyGenerator } from '../../ports/reply-generator.js';
import { fitPrompt } from '../../domain/fit-prompt.js';
import { toChatHistory } from './chat-history.js';
import { createGenerationSignal } from './generation-signal.js';
import { LoraContexts } from './lora-contexts.js';
import { outOfMemoryBackend } from './out-of-memory.js';
import type { GpuBackend } from './select-gpu.js';
import { createPooledContext, type PooledContext } from './pooled-context.js';
import { defaultThreads } from './default-threads.js';
import { LLM_DEFAULTS } from './llm-defaults.js';

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

// A repeat penalty of 1 is llama.cpp's "off".
const NO_REPEAT_PENALTY = 1;

/**
 * Where a reply goes on as the chat transcript the prompt shows (`<<<Name: text>>>`, build-prompt):
 * a marker after the reply's start opens a line made up for someone else, and a closing one ends a
 * reply the model wrapped as its own quote. Not a bare `<<<`: a reply that opens with the persona's
 * own quote would stop before its first word; cleanReply unwraps that one.
 */
const TRANSCRIPT_STOP_TRIGGERS = ['\n<<<', ' <<<', '>>>'] as const;

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
  return new LlamaReplyGenerator(base, lora, resolveChatWrapper(model), settings, options.logger ?? NO_LOGS);
}

function backendOf(model: LlamaModel): GpuBackend {
  const { gpu } = model.llama;
  return gpu === 'cuda' || gpu === 'vulkan' ? gpu : 'cpu';
}

class LlamaReplyGenerator implements ReplyGenerator {
  readonly parallelism: number;
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** LoRA adapters already warned about lacking memory, so the warning is not repeated per job. */
  private readonly warnedOutOfMemory = new Set<string>();

  constructor(
    private readonly base: PooledContext,
    private readonly lora: LoraContexts,
    private readonly chatWrapper: ChatWrapper,
    private readonly settings: Required<Omit<LlamaReplyGeneratorOptions, 'threads' | 'flashAttention' | 'logger'>>,
    private readonly logger: Logger,
  ) {
    this.parallelism = settings.sequences;
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
    await this.lora.dispose();
    await this.base.context.dispose();
  }

  /** The LoRA adapter's context, or the base one when that adapter's context does not fit in memory. */
  private async contextFor(loraPath: string | undefined): Promise<PooledContext> {
    if (loraPath === undefined) return this.base;
    try {
      return await this.lora.get(loraPath);
    } catch (error) {
      if (outOfMemoryBackend(error) === undefined) throw error;
      if (!this.warnedOutOfMemory.has(loraPath)) {
        this.warnedOutOfMemory.add(loraPath);
        this.logger.warn({ code: ErrorCodes.LlmOutOfMemory, loraPath, err: error }, 'a LoRA adapter\'s context does not fit in memory; replying without it');
      }
      return this.base;
    }
  }

  private async generateReply(request: GenerationRequest): Promise<GenerationResult> {
    const started = performance.now();
    const { pooled, sequence } = await this.takeSequence(request);
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
      const prompt = fitPrompt(request.prompt, this.settings.contextSize - sampling.maxTokens, (text) => model.tokenize(text).length);
      const response = await chat.generateResponse(toChatHistory(prompt), {
        maxTokens: sampling.maxTokens,
        temperature: sampling.temperature,
        topP: sampling.topP,
        repeatPenalty: sampling.repeatPenalty === NO_REPEAT_PENALTY ? false : { penalty: sampling.repeatPenalty },
        signal: deadline.signal,
        customStopTriggers: TRANSCRIPT_STOP_TRIGGERS,
        // On the deadline, keep what was generated; cancel and shutdown still throw below.
        stopOnAbortSignal: true,
        onToken: (chunk) => {
          firstTokenAt ??= performance.now();
          tokens += chunk.length;
        },
      });
      if (deadline.signal.aborted && !(isFeelbotError(deadline.signal.reason, ErrorCodes.GenerationTimeout) && response.response.trim() !== '')) {
        throw deadline.signal.reason;
      }
      const finished = performance.now();
      return {
        text: response.response,
        tokens,
        truncated: response.metadata.stopReason === 'maxTokens' || response.metadata.stopReason === 'abort',
        firstTokenMs: (firstTokenAt ?? finished) - started,
        totalMs: finished - started,
      };
    } catch (error) {
      throw deadline?.signal.aborted ? deadline.signal.reason : error;
    } finally {
      // Whatever failed, even before generation, the timer stops and the sequence goes back to the pool.
      deadline?.done();
      chat?.dispose({ disposeSequence: false });
      pooled.sequences.release(sequence);
    }
  }

  /** Waits, with no timeout but honouring cancel and shutdown, for a free sequence of the reply's context. */
  private async takeSequence(request: GenerationRequest): Promise<{ pooled: PooledContext; sequence: LlamaContextSequence }> {
    const waiting = createGenerationSignal({ request: request.signal, shutdown: this.shutdown.signal });
    try {
      // A stopped generator makes no new context (a LoRA's, on first use) that only the model's dispose would free.
      if (waiting.signal.aborted) throw waiting.signal.reason;
      const pooled = await this.contextFor(request.loraPath);
      if (pooled !== this.base && request.whenBusy === 'refuse' && pooled.sequences.available === 0) throw loraBusy(request.loraPath);
      return { pooled, sequence: await pooled.sequences.acquire(waiting.signal) };
    } catch (error) {
      throw waiting.signal.aborted ? waiting.signal.reason : error;
    } finally {
      waiting.done();
    }
  }
}

/**
 * A short wait: a reply takes seconds. The job is classified again when it is taken up, about a
 * millisecond with the ONNX classifier (one short completion with EMOTION_BACKEND=llm).
 */
const LORA_BUSY_RETRY_MS = 2_000;

function loraBusy(loraPath: string | undefined): FeelbotError {
  return new FeelbotError(ErrorCodes.LlmBusy, `Every sequence of LoRA adapter ${loraPath}'s context is busy.`, {
    permanent: false,
    details: { retryAfterMs: LORA_BUSY_RETRY_MS, loraPath },
  });
}
