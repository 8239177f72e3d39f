import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';

export interface BatchingOptions {
  /** Texts per model call. Defaults to 64: past that, ONNX Runtime gains little on 2 cores. */
  readonly maxBatch?: number;
  /** How long the first text waits for company. Defaults to 2 ms, well under the 5 ms p50 budget. */
  readonly maxWaitMs?: number;
}

const DEFAULTS = { maxBatch: 64, maxWaitMs: 2 } as const satisfies Required<BatchingOptions>;

interface Pending {
  readonly texts: readonly string[];
  readonly resolve: (results: EmotionAnalysis[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Merges classify calls that arrive together into one model call, so many concurrent jobs or API
 * requests cost one batched inference instead of many small ones.
 */
export class BatchingClassifier implements EmotionClassifier {
  private readonly options: Required<BatchingOptions>;
  private queue: Pending[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Model calls not yet settled; dispose waits for them, so no caller meets a disposed model. */
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
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Answers the texts still queued, waits for every model call, then disposes the model. */
  async dispose(): Promise<void> {
    this.flush();
    // Failures already reached their callers; here they only must not stop the disposal.
    await Promise.all([...this.inFlight].map((call) => call.catch(() => undefined)));
    await this.inner.dispose();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    if (batch.length === 0) return;
    this.track(this.inner.classify(batch.flatMap((pending) => pending.texts))).then(
      (results) => {
        let offset = 0;
        for (const pending of batch) {
          pending.resolve(results.slice(offset, offset + pending.texts.length));
          offset += pending.texts.length;
        }
      },
      (error: unknown) => batch.forEach((pending) => pending.reject(error)),
    );
  }

  private track<T>(call: Promise<T>): Promise<T> {
    this.inFlight.add(call);
    const settled = () => this.inFlight.delete(call);
    call.then(settled, settled);
    return call;
  }
}
