import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** The config.json fields that bound how many tokens a model reads. */
export interface PositionConfig {
  readonly model_type?: unknown;
  /** Rows in the model's position table: past them ONNX Runtime fails on the input. */
  readonly max_position_embeddings?: unknown;
}

/** Assumed when neither the tokenizer nor config.json states a usable limit: BERT's 512. */
const FALLBACK_MAX_TOKENS = 512;
/** Past this a stated limit is a placeholder (transformers' VERY_LARGE_INTEGER is 1e30), not a model's. */
const LARGEST_PLAUSIBLE_LIMIT = 100_000;
/** RoBERTa-style models number positions from padding_idx + 1 = 2, so two rows of their table are no token's (514 rows read 512). */
const ROBERTA_POSITION_OFFSET = 2;
/** The model types whose embeddings count positions that way (transformers' create_position_ids_from_input_ids). */
const ROBERTA_STYLE = new Set(['roberta', 'roberta-prelayernorm', 'xlm-roberta', 'xlm-roberta-xl', 'camembert', 'data2vec-text', 'longformer', 'mpnet']);

/**
 * The tokens, [CLS] and [SEP] included, a model reads at once: the fewer of its tokenizer's
 * model_max_length and its position table's rows, so a tokenizer that states no limit (none, or
 * 1e30) is still bounded by the model's graph; BERT's 512 when neither says.
 */
export function tokenLimit(statedByTokenizer: unknown, config: PositionConfig): number {
  const positions = plausible(config.max_position_embeddings);
  const offset = typeof config.model_type === 'string' && ROBERTA_STYLE.has(config.model_type) ? ROBERTA_POSITION_OFFSET : 0;
  const limits = [plausible(statedByTokenizer), positions === undefined ? undefined : positions - offset];
  const known = limits.filter((limit): limit is number => limit !== undefined && limit > 0);
  return known.length > 0 ? Math.min(...known) : FALLBACK_MAX_TOKENS;
}

/**
 * Makes transformers.js cut every input at `limit` tokens. Its text-classification pipeline
 * truncates at `tokenizer.model_max_length`, a getter over tokenizer_config.json that is Infinity
 * when the file states none; an own property shadows it, so a word longer than a window (a run of
 * Chinese with no spaces) is read as far as the model can rather than failing in ONNX Runtime.
 */
export function enforceTokenLimit(tokenizer: PreTrainedTokenizer, limit: number): void {
  Object.defineProperty(tokenizer, 'model_max_length', { value: limit, configurable: true });
}

function plausible(value: unknown): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 && number <= LARGEST_PLAUSIBLE_LIMIT ? number : undefined;
}
