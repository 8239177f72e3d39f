import { createLlamaReplyGenerator } from '../adapters/llama/llama-reply-generator.js';
import type { LlamaRuntime } from '../adapters/llama/llama-runtime.js';
import { loadLlamaRuntime, workerContextTokens } from './load-llama-runtime.js';
import { asOutOfMemory } from '../adapters/llama/out-of-memory.js';
import { createLlmEmotionClassifier } from '../adapters/llama/llm-emotion-classifier.js';
import { withinTrainedContext } from '../adapters/llama/trained-context.js';
import type { Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import { createOnnxClassifier } from './create-classifier.js';
import { loadWithCpuFallback } from './load-with-cpu-fallback.js';
import { workerClassifier } from './worker-classifier.js';

/** The models a worker holds: one llama.cpp model, one classifier, both loaded once. */
export interface Engines {
  readonly runtime: LlamaRuntime;
  readonly generator: ReplyGenerator;
  readonly classifier: EmotionClassifier;
  /** Tokens each reply's context has: LLM_CONTEXT_SIZE, or the shorter context LLM_MODEL was trained on. */
  readonly contextSize: number;
  dispose(): Promise<void>;
}

export type LoadEngines = (config: Config, logger: Logger, metrics: Metrics, signal?: AbortSignal) => Promise<Engines>;

export interface CreateEnginesOptions {
  /** A stop signal: it cancels LLM_MODEL's download (keeping the partial file) and any CPU fallback not yet started. */
  readonly signal?: AbortSignal;
  /** Loads the engines on one backend. Defaults to the real models; tests stand in for a GPU. */
  readonly load?: LoadEngines;
}

/**
 * Loads everything before the first job, so a missing or corrupt model fails at start-up; with
 * `LLM_GPU=auto` a GPU that cannot hold or load the model is left for the CPU (loadWithCpuFallback).
 */
export function createEngines(config: Config, logger: Logger, metrics: Metrics, options: CreateEnginesOptions = {}): Promise<Engines> {
  const { signal, load = loadEngines } = options;
  return loadWithCpuFallback(config, logger, (onBackend) => load(onBackend, logger, metrics, signal), signal);
}

async function loadEngines(config: Config, logger: Logger, metrics: Metrics, signal?: AbortSignal): Promise<Engines> {
  const runtime = await loadLlamaRuntime(config, logger, workerContextTokens(config), signal);
  const contextSize = replyContextSize(config, runtime, logger);
  const disposers: Array<() => Promise<void>> = [];
  try {
    const generator = await createLlamaReplyGenerator(runtime.model, {
      sequences: config.llm.sequences,
      loraSequences: config.llm.loraSequences,
      contextSize,
      timeoutMs: config.llm.timeoutMs,
      logger,
    });
    disposers.push(() => generator.dispose());
    const inner =
      config.emotion.backend === 'llm'
        ? await createLlmEmotionClassifier(runtime.model)
        : await createOnnxClassifier(config, logger, signal);
    const classifier = workerClassifier(inner, metrics);
    disposers.push(() => classifier.dispose());
    return {
      runtime,
      generator,
      classifier,
      contextSize,
      async dispose() {
        for (const dispose of disposers.reverse()) await dispose().catch(() => undefined);
        await runtime.dispose();
      },
    };
  } catch (error) {
    for (const dispose of disposers.reverse()) await dispose().catch(() => undefined);
    await runtime.dispose();
    throw asOutOfMemory(error, runtime.backend, `LLM_SEQUENCES=${config.llm.sequences} contexts of ${contextSize} tokens`);
  }
}

/** LLM_CONTEXT_SIZE, or the shorter context LLM_MODEL was trained on, with a warning: the defaults keep working on a small model. */
function replyContextSize(config: Config, runtime: LlamaRuntime, logger: Logger): number {
  const contextSize = withinTrainedContext(config.llm.contextSize, runtime.model);
  if (contextSize < config.llm.contextSize) {
    logger.warn(
      { contextSize: config.llm.contextSize, trainContextSize: contextSize, model: runtime.modelPath },
      `LLM_CONTEXT_SIZE=${config.llm.contextSize} is longer than the context LLM_MODEL was trained on (${contextSize} tokens), past which it writes garbage; ` +
        `replies get ${contextSize}-token contexts. Set LLM_CONTEXT_SIZE to ${contextSize} or less, or use a model trained on a longer context.`,
    );
  }
  return contextSize;
}
