import { LlamaChat, resolveChatWrapper, type ChatWrapper, type LlamaModel } from 'node-llama-cpp';
import type { GenerationRequest, GenerationResult, ReplyGenerator } from '../../ports/reply-generator.js';
import { fitPrompt } from '../../domain/fit-prompt.js';
import { toChatHistory } from './chat-history.js';
import { createGenerationSignal } from './generation-signal.js';
import { LoraContexts } from './lora-contexts.js';
import { createPooledContext, type PooledContext } from './pooled-context.js';
import { defaultThreads } from './default-threads.js';

export interface LlamaReplyGeneratorOptions {
  /** Conversations generated at once, as sequences of one context. Defaults to `4`. */
  readonly sequences?: number;
  /** Tokens each conversation can see (prompt plus reply). Defaults to `2_048`. */
  readonly contextSize?: number;
  /** Longest a reply may take, waiting for a free sequence included. Defaults to `60_000`. */
  readonly timeoutMs?: number;
  /** CPU threads for evaluation. Defaults to one less than the machine's math cores (at least 1). */
  readonly threads?: number;
  /** Sequences of each LoRA adapter's own context. Defaults to `1`. */
  readonly loraSequences?: number;
  /** Flash attention in llama.cpp (ignored where unsupported). Defaults to `true`. */
  readonly flashAttention?: boolean;
}

export const DefaultLlamaReplyGeneratorOptions = {
  sequences: 4,
  contextSize: 2_048,
  timeoutMs: 60_000,
  loraSequences: 1,
  flashAttention: true,
} as const satisfies LlamaReplyGeneratorOptions;

// A repeat penalty of 1 is llama.cpp's "off".
const NO_REPEAT_PENALTY = 1;

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
  const lora = new LoraContexts((loraPath) =>
    createPooledContext(model, { ...settings, sequences: settings.loraSequences, loraPath }),
  );
  return new LlamaReplyGenerator(base, lora, resolveChatWrapper(model), settings);
}

class LlamaReplyGenerator implements ReplyGenerator {
  readonly parallelism: number;
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly base: PooledContext,
    private readonly lora: LoraContexts,
    private readonly chatWrapper: ChatWrapper,
    private readonly settings: Required<Omit<LlamaReplyGeneratorOptions, 'threads' | 'flashAttention'>>,
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

  private async generateReply(request: GenerationRequest): Promise<GenerationResult> {
    const started = performance.now();
    const deadline = createGenerationSignal({
      request: request.signal,
      shutdown: this.shutdown.signal,
      timeoutMs: this.settings.timeoutMs,
    });
    try {
      const pooled = request.loraPath === undefined ? this.base : await this.lora.get(request.loraPath);
      const sequence = await pooled.sequences.acquire(deadline.signal);
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper, autoDisposeSequence: false });
      try {
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
          onToken: (chunk) => {
            firstTokenAt ??= performance.now();
            tokens += chunk.length;
          },
        });
        const finished = performance.now();
        return {
          text: response.response,
          tokens,
          firstTokenMs: (firstTokenAt ?? finished) - started,
          totalMs: finished - started,
        };
      } finally {
        chat.dispose({ disposeSequence: false });
        pooled.sequences.release(sequence);
      }
    } catch (error) {
      throw deadline.signal.aborted ? deadline.signal.reason : error;
    } finally {
      deadline.done();
    }
  }
}
