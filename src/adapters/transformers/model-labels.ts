import type { TextClassificationPipeline } from '@huggingface/transformers';

/** The config.json fields that name a classifier's outputs. */
interface LabelConfig {
  id2label?: Record<string, string>;
  readonly num_labels?: unknown;
}

/** A classifier's labels, in output order. */
export interface ModelLabels {
  readonly labels: readonly string[];
  /** True when config.json has no id2label, so the labels are transformers' generic names. */
  readonly unnamed: boolean;
}

/** Any short text: only how many scores the model gives it counts. */
const PROBE_TEXT = 'ok';

/**
 * A loaded classifier's labels, in output order. A config.json with no id2label (written by hand
 * or by a tool other than transformers) gets transformers' generic names, LABEL_0…LABEL_{n-1}, n
 * from its num_labels or else from the scores the model gives a text, so a known mapping of generic
 * names or the operator's EMOTION_LABEL_MAP can read them; the pipeline is told the same names.
 */
export async function modelLabels(classifier: TextClassificationPipeline): Promise<ModelLabels> {
  const config = classifier.model.config as LabelConfig;
  const stated = Object.values(config.id2label ?? {});
  if (stated.length > 0) return { labels: stated, unnamed: false };
  const declared = Number(config.num_labels);
  const count = Number.isInteger(declared) && declared > 0 ? declared : await outputCount(classifier);
  const labels = Array.from({ length: count }, (_, id) => `LABEL_${id}`);
  config.id2label = Object.fromEntries(labels.map((label, id) => [String(id), label]));
  return { labels, unnamed: true };
}

async function outputCount(classifier: TextClassificationPipeline): Promise<number> {
  const [scores] = (await classifier([PROBE_TEXT], { top_k: null })) as unknown as unknown[][];
  return scores?.length ?? 0;
}
