import { isFeelbotError } from '../errors.js';
import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';

export interface BatchingOptions {
  /** Texts per model call. Defaults to 64: past that, ONNX Runtime gains little on 2 cores. */
  readonly maxBatch?: number;
  /**
   * How long texts that arrive while a model call runs wait for it to end (they then go out
   * together) before they go out in a call of their own. Defaults to 20 ms.
   */
  readonly maxWaitMs?: number;
}

const DEFAULTS = { maxBatch: 64, maxWaitMs: 20 } as const satisfies Required<BatchingOptions>;

interface Pending {
  readonly texts: readonly string[];
  readonly resolve: (results: EmotionAnalysis[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Merges classify calls that arrive together into one model call, so many concurrent jobs or API
 * requests cost one batched inference instead of many small ones. A text that finds the model idle
 * goes out at once (with whatever arrived in the same turn of the event loop), so a lone message
 * waits for nothing; texts that arrive while a call runs are gathered and go out together when it
 * ends, or after `maxWaitMs`, or as soon as they fill a batch.
 */
export class BatchingClassifier implements EmotionClassifier {
  private readonly options: Required<BatchingOptions>;
  private queue: Pending[] = [];
  private queued = 0;
  /** Cancels the flush that is scheduled, if any. */
  private cancelScheduled: (() => void) | undefined;
  /** Model calls not yet settled (with those sent again after a failure); dispose waits for them, so no caller meets a disposed model. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: EmotionClassifier,
    options: BatchingOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    if (texts.length === 0) return Promise.resolve([]);
    if (texts.length >= this.options.maxBatch) return this.track(this.inner.classify(texts));
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, resolve, reject });
      this.queued += texts.length;
      if (this.queued >= this.options.maxBatch) this.flush();
      else this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.cancelScheduled) return;
    if (this.inFlight.size === 0) {
      const immediate = setImmediate(() => this.flush());
      this.cancelScheduled = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
      this.cancelScheduled = () => clearTimeout(timer);
    }
  }

  /** Answers the texts still queued, waits for every model call, then disposes the model. */
  async dispose(): Promise<void> {
    this.flush();
    // Failures already reached their callers; here they only must not stop the disposal.
    await Promise.all([...this.inFlight].map((call) => call.catch(() => undefined)));
    await this.inner.dispose();
  }

  private flush(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    if (batch.length === 0) return;
    void this.track(this.answer(batch));
  }

  /**
   * Answers every caller of the batch from one model call. A text the model fails for good fails
   * the whole call; then each caller's texts are sent again on their own, so only the caller whose
   * text fails is failed for good, not those whose texts merely shared its call. A failure a retry
   * may mend reaches every caller as it is: each retries.
   */
  private async answer(batch: readonly Pending[]): Promise<void> {
    let results: EmotionAnalysis[];
    try {
      results = await this.inner.classify(batch.flatMap((pending) => pending.texts));
    } catch (error) {
      if (batch.length === 1 || !isFeelbotError(error) || !error.permanent) batch.forEach((pending) => pending.reject(error));
      else await Promise.all(batch.map((pending) => this.inner.classify(pending.texts).then(pending.resolve, pending.reject)));
      return;
    }
    let offset = 0;
    for (const pending of batch) {
      pending.resolve(results.slice(offset, offset + pending.texts.length));
      offset += pending.texts.length;
    }
  }

  private track<T>(call: Promise<T>): Promise<T> {
    this.inFlight.add(call);
    const settled = () => {
      this.inFlight.delete(call);
      // The model is free: what gathered meanwhile goes out now.
      if (this.inFlight.size === 0 && this.queue.length > 0) this.flush();
    };
    call.then(settled, settled);
    return call;
  }
}
