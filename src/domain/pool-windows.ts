import type { LabelScore } from './aggregate-scores.js';
import type { LabelMapping } from './label-mapping.js';
import { NEUTRAL } from './emotions.js';

/** Keeps a neutral window from weighing nothing at all, so an all-neutral text stays neutral. */
const MIN_WEIGHT = 0.05;

/**
 * One distribution for a text read in several windows: the windows' label probabilities averaged,
 * each weighted by how strongly it shows an emotion, so one clearly sad sentence in a long
 * message of logistics still reads as sad.
 */
export function poolWindows(windows: readonly (readonly LabelScore[])[], mapping: LabelMapping): LabelScore[] {
  if (windows.length === 1) return [...windows[0]!];
  const weights = windows.map((scores) =>
    Math.max(MIN_WEIGHT, ...scores.filter((score) => mapping[score.label] !== NEUTRAL).map((score) => score.score)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const pooled = new Map<string, number>();
  windows.forEach((scores, index) => {
    for (const { label, score } of scores) pooled.set(label, (pooled.get(label) ?? 0) + (score * weights[index]!) / total);
  });
  return [...pooled].map(([label, score]) => ({ label, score }));
}
