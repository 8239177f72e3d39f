import { percentile } from './stats.js';

/** What one side of the load benchmark did with one round's messages. */
export interface LoadFigures {
  /** Completions per second between the first and the last completion: the rate the side kept up. */
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * Calls `handle` for each input at its own slot of an open loop, `rate` per second from now, without
 * waiting for earlier calls (messages arrive whether or not the last is answered); resolves when all have.
 */
export async function offerAtRate<T>(inputs: readonly T[], rate: number, handle: (input: T, index: number) => unknown): Promise<void> {
  const started = performance.now();
  await Promise.all(
    inputs.map(async (input, i) => {
      await sleepUntil(started + (i * 1_000) / rate);
      await handle(input, i);
    }),
  );
}

export function loadFigures(latencies: readonly number[], completedAt: readonly number[]): LoadFigures {
  return { throughput: keptUpRate(completedAt), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

function keptUpRate(times: readonly number[]): number {
  if (times.length < 2) return Number.NaN;
  return ((times.length - 1) / (Math.max(...times) - Math.min(...times))) * 1_000;
}

function sleepUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())));
}
