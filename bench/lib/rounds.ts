import { percentile } from './stats.js';

/** `names` in the order of round `round`: rotated by one per round, so none always runs first or last. */
export function rotated<T>(names: readonly T[], round: number): T[] {
  return names.map((_, k) => names[(round + k) % names.length]!);
}

/** The middle value (the lower middle of an even count); over rounds, a noisy round moves it least. */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}
