/** What a generation of the reply model wrote: a chat reply, or the one-line persona comment of /feel. */
export type GenerationKind = 'reply' | 'feel';

/** What feelbot measures about itself; the Prometheus adapter is the default implementation. */
export interface Metrics {
  /**
   * One run of a job, by how it ended: its outcome's status (and reason); `rate-limited` or
   * `delayed` when put off; `retried` when it failed and BullMQ runs it again; `failed` once given up.
   */
  observeJob(outcome: string, seconds: number): void;
  observeClassification(seconds: number, batchSize: number): void;
  /** One finished generation of the reply model, by what it wrote: its tokens and how long it took once it had its sequence. */
  observeGeneration(kind: GenerationKind, tokens: number, seconds: number): void;
  /** How long a generation waited for a free context sequence before it started; one refused or cancelled while waiting counts nothing. */
  observeGenerationWait(kind: GenerationKind, seconds: number): void;
  /** A job given up for good (or failed without running), by error code. */
  countFailure(code: string): void;
  /** A failed attempt of a job that BullMQ will try again, by error code. */
  countRetry(code: string): void;
}

/** For tools and tests that measure nothing. */
export const NO_METRICS: Metrics = {
  observeJob: () => undefined,
  observeClassification: () => undefined,
  observeGeneration: () => undefined,
  observeGenerationWait: () => undefined,
  countFailure: () => undefined,
  countRetry: () => undefined,
};
