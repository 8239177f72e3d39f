/** The config.json fields transformers.js's text-classification pipeline reads to score labels. */
export interface ScoringConfig {
  readonly problem_type?: unknown;
}

/**
 * True when transformers.js scores each label with its own sigmoid rather than one softmax over
 * all: its text-classification pipeline (4.3.1) decides by config.json's `problem_type` alone,
 * a sigmoid for "multi_label_classification", and takes no `function_to_apply` to override it.
 */
export function scoresWithSigmoids(config: ScoringConfig): boolean {
  return config.problem_type === 'multi_label_classification';
}
