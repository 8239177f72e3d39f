import type { LabelScore } from './aggregate-scores.js';
import { IGNORED_LABEL, type LabelMapping } from './label-mapping.js';
import { NEUTRAL } from './emotions.js';

/** Keeps a neutral window from weighing nothing at all, so an all-neutral text stays neutral. */
const MIN_WEIGHT = 0.05;

/** One window's label scores, and the text's words it stands for (TextWindow's `words`). */
export interface WindowScores {
  readonly scores: readonly LabelScore[];
  readonly words: number;
}

/**
 * One distribution for a text read in several windows: the windows' label probabilities averaged,
 * each weighted by the words it stands for, so every word counts alike however the text was cut,
 * and by how strongly it shows an emotion, so one clearly sad sentence in a long message of
 * logistics still reads as sad.
 */
export function poolWindows(windows: readonly WindowScores[], mapping: LabelMapping): LabelScore[] {
  if (windows.length === 1) return [...windows[0]!.scores];
  const weights = windows.map(
    ({ scores, words }) =>
      words * Math.max(MIN_WEIGHT, ...scores.filter(({ label }) => mapping[label] !== NEUTRAL && mapping[label] !== IGNORED_LABEL).map((score) => score.score)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const pooled = new Map<string, number>();
  windows.forEach(({ scores }, index) => {
    for (const { label, score } of scores) pooled.set(label, (pooled.get(label) ?? 0) + (score * weights[index]!) / total);
  });
  return [...pooled].map(([label, score]) => ({ label, score }));
}
