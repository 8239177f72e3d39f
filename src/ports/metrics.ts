/** What feelbot measures about itself; the Prometheus adapter is the default implementation. */
export interface Metrics {
  observeJob(outcome: string, seconds: number): void;
  observeClassification(seconds: number, batchSize: number): void;
  observeGeneration(tokens: number, seconds: number): void;
  countFailure(code: string): void;
}

/** For tools and tests that measure nothing. */
export const NO_METRICS: Metrics = {
  observeJob: () => undefined,
  observeClassification: () => undefined,
  observeGeneration: () => undefined,
  countFailure: () => undefined,
};
