import type { LlamaContextSequence } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import type { GenerationRequest } from '../../ports/reply-generator.js';
import { createGenerationSignal } from './generation-signal.js';
import type { LoraContexts } from './lora-contexts.js';
import { outOfMemoryBackend } from './out-of-memory.js';
import type { PooledContext } from './pooled-context.js';

/**
 * A short wait: a reply takes seconds. The job is classified again when it is taken up, about a
 * millisecond with the ONNX classifier (one short completion with EMOTION_BACKEND=llm).
 */
const LORA_BUSY_RETRY_MS = 2_000;

/** A sequence held for one reply; `release` hands it back to its context's pool. */
export interface TakenSequence {
  readonly sequence: LlamaContextSequence;
  release(): void;
}

/**
 * The context sequences replies run on: the base context's, or a LoRA adapter's own context's,
 * the base one standing in when that adapter's context does not fit in memory.
 */
export class ReplySequences {
  /** LoRA adapters already warned about lacking memory, so the warning is not repeated per job. */
  private readonly warnedOutOfMemory = new Set<string>();

  constructor(
    private readonly base: PooledContext,
    private readonly lora: LoraContexts,
    private readonly logger: Logger,
  ) {}

  /**
   * Waits, with no timeout but honouring cancel and `shutdown`, for a free sequence of the reply's
   * context. A LoRA reply that may not wait is refused with LLM_BUSY while its sequences are busy.
   */
  async take(request: GenerationRequest, shutdown: AbortSignal): Promise<TakenSequence> {
    const waiting = createGenerationSignal({ request: request.signal, shutdown });
    try {
      // A stopped generator makes no new context (a LoRA's, on first use) that only the model's dispose would free.
      if (waiting.signal.aborted) throw waiting.signal.reason;
      const pooled = await this.contextFor(request.loraPath);
      if (pooled !== this.base && request.whenBusy === 'refuse' && pooled.sequences.available === 0) throw loraBusy(request.loraPath);
      const sequence = await pooled.sequences.acquire(waiting.signal);
      return { sequence, release: () => pooled.sequences.release(sequence) };
    } catch (error) {
      throw waiting.signal.aborted ? waiting.signal.reason : error;
    } finally {
      waiting.done();
    }
  }

  /** Frees the LoRA adapters' contexts, then the base one. */
  async dispose(): Promise<void> {
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
}

function loraBusy(loraPath: string | undefined): FeelbotError {
  return new FeelbotError(ErrorCodes.LlmBusy, `Every sequence of LoRA adapter ${loraPath}'s context is busy.`, {
    permanent: false,
    details: { retryAfterMs: LORA_BUSY_RETRY_MS, loraPath },
  });
}
