import { join } from 'node:path';
import { loadLabelMap } from '../adapters/files/label-map-file.js';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { createLlmEmotionClassifier } from '../adapters/llama/llm-emotion-classifier.js';
import { asOutOfMemory } from '../adapters/llama/out-of-memory.js';
import { loadEmotionModel } from '../adapters/transformers/load-emotion-model.js';
import type { Config, ConfigVariable } from '../config.js';
import { ErrorCodes } from '../errors.js';
import { guessesLabelOrder, KNOWN_LABEL_MAPPINGS } from '../domain/label-mapping.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import { CLASSIFIER_CONTEXT_TOKENS, loadLlamaRuntime } from './load-llama-runtime.js';
import { loadWithCpuFallback } from './load-with-cpu-fallback.js';

/** The ONNX classifier (EMOTION_BACKEND=onnx), loaded once per process; `signal` cancels a hub model's download. */
export async function createOnnxClassifier(config: Config, logger: Logger, signal?: AbortSignal): Promise<EmotionClassifier> {
  const started = Date.now();
  const classifier = await loadEmotionModel({
    model: config.emotion.model,
    cacheDir: join(resolveProjectPath(config.modelsDir), 'hub'),
    labelMapping: await loadLabelMap(config.emotion.labelMapFile),
    dtype: config.emotion.dtype,
    signal,
  });
  logger.info({ model: config.emotion.model, ms: Date.now() - started }, 'emotion classifier loaded');
  if (guessesLabelOrder(classifier.labelMappingName)) warnLabelOrderAssumed(config.emotion.model, classifier.labelMappingName, logger);
  return classifier;
}

/** Generic labels (LABEL_0…) were read in one assumed order, which a model trained on another would silently swap. */
function warnLabelOrderAssumed(model: string, mappingName: string, logger: Logger): void {
  const assumed = Object.entries(KNOWN_LABEL_MAPPINGS[mappingName] ?? {}).map(([label, emotion]) => `${label}=${emotion}`);
  logger.warn(
    { code: ErrorCodes.ModelLabelsGuessed, model, labelMapping: mappingName, assumed },
    `EMOTION_MODEL ${model} names its labels only generically, so feelbot assumes dair-ai/emotion's order: ${assumed.join(', ')}. ` +
      "If the model's card gives another order, set EMOTION_LABEL_MAP to a JSON file mapping each label to its emotion.",
  );
}

/** What createClassifier reads, with the log level: all an offline tool (analyze, eval) needs. */
export const CLASSIFIER_SETTINGS: readonly ConfigVariable[] = [
  'EMOTION_MODEL',
  'EMOTION_BACKEND',
  'EMOTION_LABEL_MAP',
  'EMOTION_DTYPE',
  'MODELS_DIR',
  'LLM_MODEL',
  'LLM_GPU',
  'LOG_LEVEL',
];

/**
 * The classifier for tools that need nothing else (analyze, eval, api): the ONNX model, or with
 * EMOTION_BACKEND=llm the reply model under a JSON-schema grammar, which then owns its model and,
 * as in the worker, leaves for the CPU a GPU that cannot hold or load it (loadWithCpuFallback).
 * `signal` cancels LLM_MODEL's download, or a hub EMOTION_MODEL's.
 */
export async function createClassifier(config: Config, logger: Logger, signal?: AbortSignal): Promise<EmotionClassifier> {
  if (config.emotion.backend === 'onnx') return createOnnxClassifier(config, logger, signal);
  return loadWithCpuFallback(config, logger, (onBackend) => loadLlmClassifier(onBackend, logger, signal), signal);
}

/** LLM_MODEL with room on a GPU for the classifier's own context only: this process makes no reply contexts. */
async function loadLlmClassifier(config: Config, logger: Logger, signal?: AbortSignal): Promise<EmotionClassifier> {
  const runtime = await loadLlamaRuntime(config, logger, CLASSIFIER_CONTEXT_TOKENS, signal);
  const classifier = await createLlmEmotionClassifier(runtime.model).catch(async (error: unknown) => {
    await runtime.dispose();
    // Its size is fixed, so there is no setting to lower for it.
    throw asOutOfMemory(error, runtime.backend, `The emotion classifier's context of ${CLASSIFIER_CONTEXT_TOKENS} tokens`, []);
  });
  return {
    classify: (texts) => classifier.classify(texts),
    async dispose() {
      await classifier.dispose();
      await runtime.dispose();
    },
  };
}
