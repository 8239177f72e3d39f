import { env, LogLevel, type TextClassificationPipeline } from '@huggingface/transformers';
import { aggregateScores, type AggregateOptions, type LabelScore } from '../../domain/aggregate-scores.js';
import { EMOTIONS, NEUTRAL } from '../../domain/emotions.js';
import { resolveLabelMapping, type LabelMapping } from '../../domain/label-mapping.js';
import { poolWindows } from '../../domain/pool-windows.js';
import { splitIntoWindows, windowLimits, type WindowLimits } from '../../domain/split-for-classifier.js';
import { withoutDiscordMarkup } from '../../domain/discord-markup.js';
import { normalizeChatText } from '../../domain/normalize-chat-text.js';
import { UNREADABLE_TEXT_ANALYSIS } from '../../domain/unreadable-text.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../ports/emotion-classifier.js';
import { inferenceError } from './inference-error.js';
import { lengthBatches } from './length-batches.js';
import { scoresWithSigmoids } from './label-scoring.js';
import { DEFAULT_HUB_CACHE, loadTextClassifier } from './load-text-classifier.js';
import { readModelConfig } from './model-config.js';
import { modelLabels } from './model-labels.js';
import { locateModel, type ModelLocation } from './model-location.js';
import type { OnnxDtype } from './onnx-dtype.js';
import { stallTimeoutFetch } from './stall-timeout-fetch.js';
import { enforceTokenLimit, tokenLimit, type PositionConfig } from './token-limit.js';
import { wordTokenCounter } from './word-token-counter.js';

export interface TransformersClassifierOptions {
  /** A local folder or a Hugging Face id (EMOTION_MODEL). */
  readonly model: string;
  /** Where hub models are cached. Defaults to models/hub. */
  readonly cacheDir?: string;
  /** An operator's mapping from the model's labels to feelbot's; the known mappings otherwise. */
  readonly labelMapping?: LabelMapping;
  /**
   * ONNX weights to load (EMOTION_DTYPE): "fp32" is onnx/model.onnx, "q8" onnx/model_quantized.onnx.
   * Defaults to the model's own choice (dtypeToRequest): a feelbot folder's feelbot_default_dtype,
   * else its config.json's transformers.js_config, else q8 for a folder with only quantized weights, else fp32
   * (for a hub model with no fp32 weights, its q8 ones, else its fp16 ones).
   */
  readonly dtype?: OnnxDtype;
  /**
   * Under this confidence a model without a neutral class calls a text neutral. Defaults to 0.45
   * for a model whose labels map onto all six emotions, more for fewer (neutralThresholdFor).
   */
  readonly neutralThreshold?: number;
  /** A hub model's download fails once it gets no further for this long. Defaults to 15_000, as a GGUF download's. */
  readonly stallTimeoutMs?: number;
  /** A stop signal: a hub model's download under way ends at once with INTERRUPTED. */
  readonly signal?: AbortSignal;
}

/** What a model's label may be mapped to, as the unmapped-labels error lists it (null: IGNORED_LABEL). */
const TARGETS = `${EMOTIONS.join(', ')} or ${NEUTRAL} (or null to ignore it)`;
/** Texts per ONNX call, cut from length-sorted input; 16 was fastest on the 2-core machine (8, 16, 32, 64 tried). */
const INFERENCE_BATCH = 16;

/**
 * The default classifier: a transformers.js text-classification pipeline (ONNX Runtime), loaded
 * once per process. Any hub model whose labels map onto feelbot's plugs in.
 */
export class TransformersClassifier implements EmotionClassifier {
  private readonly limits: WindowLimits;

  private constructor(
    /** Which mapping read the model's labels: a KNOWN_LABEL_MAPPINGS key, or "custom" for the operator's. */
    readonly labelMappingName: string,
    /** EMOTION_MODEL, for naming the model in an error. */
    private readonly model: string,
    private readonly classifier: TextClassificationPipeline,
    private readonly mapping: LabelMapping,
    private readonly normalize: (text: string) => string,
    private readonly aggregate: AggregateOptions,
    /** The tokens, [CLS] and [SEP] included, the model reads at once; transformers.js cuts an input there. */
    private readonly tokenLimit: number,
  ) {
    this.limits = windowLimits(tokenLimit);
  }

  static async load(options: TransformersClassifierOptions): Promise<TransformersClassifier> {
    const location = locateModel(options.model);
    configureEnvironment(location, options.cacheDir, options.stallTimeoutMs, options.signal);
    const config = location.kind === 'local' ? await readModelConfig(location.dir) : undefined;
    const classifier = await loadTextClassifier({ ...options, location, config });
    const modelConfig = classifier.model.config as PositionConfig & { problem_type?: string };
    const limit = tokenLimit(classifier.tokenizer.model_max_length, modelConfig);
    enforceTokenLimit(classifier.tokenizer, limit);
    const { labels, unnamed } = await modelLabels(classifier).catch(async (cause: unknown) => {
      await classifier.dispose();
      throw inferenceError(options.model, limit, cause);
    });
    const { mapping, name, unmapped } = resolveLabelMapping(labels, options.labelMapping);
    if (!mapping) {
      await classifier.dispose();
      throw new FeelbotError(
        ErrorCodes.ModelLabelsUnmapped,
        (unnamed
          ? `EMOTION_MODEL ${options.model} states no labels (its config.json has no id2label), so feelbot names its outputs ` +
            `as transformers does, ${unmapped.join(', ')}, and cannot map them. `
          : `EMOTION_MODEL ${options.model} has labels feelbot cannot map: ${unmapped.join(', ')}. `) +
          (options.labelMapping && labels.length > 0
            ? `Add ${unmapped.length === 1 ? 'it' : 'them'} to the EMOTION_LABEL_MAP file, mapping each to ${TARGETS}.`
            : `Set EMOTION_LABEL_MAP to a JSON file mapping each of them to ${TARGETS}.`),
        { userFacing: true, permanent: true, details: { unmapped } },
      );
    }
    // A model trained without feelbot's normaliser reads the text as people see it, without Discord's markup.
    const normalize = config?.feelbot_normalizer ? normalizeChatText : withoutDiscordMarkup;
    const aggregate: AggregateOptions = {
      hasNeutral: Object.values(mapping).includes(NEUTRAL),
      neutralThreshold: options.neutralThreshold,
      multiLabel: scoresWithSigmoids(modelConfig),
    };
    return new TransformersClassifier(name, options.model, classifier, mapping, normalize, aggregate, limit);
  }

  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    if (texts.length === 0) return [];
    // Texts are read whole: their length is bounded where they come in (the CLI, the HTTP API, the worker).
    // A text the normaliser empties has nothing this model can read; see UNREADABLE_TEXT_ANALYSIS.
    const tokensOf = wordTokenCounter(this.classifier.tokenizer);
    const windowsPerText = texts.map((text) => {
      const readable = this.normalize(text);
      return readable ? splitIntoWindows(readable, this.limits, tokensOf) : [];
    });
    const windows = windowsPerText.flat().map((window) => window.text);
    const output: LabelScore[][] = new Array<LabelScore[]>(windows.length);
    for (const batch of lengthBatches(windows, INFERENCE_BATCH)) {
      const scores = await this.scoreWindows(batch.map((index) => windows[index]!));
      batch.forEach((index, k) => (output[index] = scores[k]!));
    }
    let offset = 0;
    return windowsPerText.map((windows) => {
      if (windows.length === 0) return UNREADABLE_TEXT_ANALYSIS;
      const labelScores = poolWindows(
        windows.map(({ words }) => ({ scores: output[offset++]!, words })),
        this.mapping,
      );
      return aggregateScores(labelScores, this.mapping, this.aggregate);
    });
  }

  async dispose(): Promise<void> {
    await this.classifier.dispose();
  }

  /**
   * Scores windows in one ONNX call. When a call of several fails, each is read alone: the call may
   * have failed for the batch (its padding to the longest window, its memory), and a text that shared
   * it must not fail for good for another's window. Only a window that fails alone fails its text.
   */
  private async scoreWindows(windows: readonly string[]): Promise<LabelScore[][]> {
    try {
      // An array input always comes back as one list of scores per text, even for a single text.
      return (await this.classifier([...windows], { top_k: null })) as unknown as LabelScore[][];
    } catch (cause) {
      if (windows.length === 1) throw inferenceError(this.model, this.tokenLimit, cause);
    }
    const scores: LabelScore[][] = [];
    for (const window of windows) scores.push(...(await this.scoreWindows([window])));
    return scores;
  }
}

function configureEnvironment(location: ModelLocation, cacheDir: string | undefined, stallTimeoutMs: number | undefined, signal: AbortSignal | undefined): void {
  // transformers.js logs a failed run's inputs, the user's text as token ids, to stderr; feelbot
  // reports its failures itself, as coded errors, and only NONE silences that log.
  env.logLevel = LogLevel.NONE;
  if (location.kind === 'local') {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    env.allowRemoteModels = true;
    env.cacheDir = cacheDir ?? DEFAULT_HUB_CACHE;
    // transformers.js's own fetch has no timeout and takes no signal: a hub that never answers would
    // hold start-up for minutes, and a stop would wait for the download.
    env.fetch = stallTimeoutFetch(globalThis.fetch.bind(globalThis), stallTimeoutMs, signal);
  }
}
