export interface LabelMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport {
  readonly n: number;
  readonly accuracy: number;
  /**
   * Unweighted mean of the per-label F1 over the labels present in the gold labels or the predictions,
   * as scikit-learn's f1_score(average='macro') without `labels`: `per_label` lists every label (an
   * absent one with F1 0), so its plain mean is lower on a file missing a label.
   */
  readonly macro_f1: number;
  readonly per_label: Record<string, LabelMetrics>;
  /** confusion[gold][predicted] = count. A row with no prediction is in no cell, so a row may sum to less than its support. */
  readonly confusion: Record<string, Record<string, number>>;
}

/**
 * What a row's prediction is when the model named no label (an unreadable text scored six ways, or a
 * text the model failed to read, either way): wrong for its gold label, so in that label's support
 * and recall, but in no label's precision and no cell of the confusion matrix.
 */
export const NO_PREDICTION = null;

/**
 * Accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix over `labels`; a
 * `predicted` entry may be NO_PREDICTION.
 */
export function classificationReport(
  gold: readonly string[],
  predicted: readonly (string | null)[],
  labels: readonly string[],
): ClassificationReport {
  const confusion = Object.fromEntries(labels.map((g) => [g, Object.fromEntries(labels.map((p) => [p, 0]))]));
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i];
    if (g === p) correct++;
    const row = confusion[g];
    if (row && p != null && p in row) row[p]! += 1;
  });
  const per_label: Record<string, LabelMetrics> = {};
  // As scikit-learn does: a label nobody wrote but the model predicted still counts, with its F1 of 0.
  const countedF1: number[] = [];
  for (const label of labels) {
    const tp = confusion[label]![label]!;
    // Counted from the gold labels, not the confusion row, which leaves out rows with no prediction.
    const support = gold.filter((g) => g === label).length;
    const predictedCount = labels.reduce((sum, g) => sum + confusion[g]![label]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    if (support > 0 || predictedCount > 0) countedF1.push(f1);
    per_label[label] = { precision: round(precision), recall: round(recall), f1: round(f1), support };
  }
  const macro = countedF1.reduce((sum, f1) => sum + f1, 0) / (countedF1.length || 1);
  return { n: gold.length, accuracy: round(gold.length ? correct / gold.length : 0), macro_f1: round(macro), per_label, confusion };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
