import { join } from 'node:path';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { createLlamaRuntime, type LlamaRuntime } from '../adapters/llama/llama-runtime.js';
import { DefaultLlmEmotionClassifierOptions } from '../adapters/llama/llm-emotion-classifier.js';
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';

/**
 * Resolves (downloading with a progress bar when interactive) and loads LLM_MODEL on LLM_GPU, with
 * the layers on a GPU leaving room for `contextTokens`: the contexts this process will make.
 * Defaults to the worker's (workerContextTokens). `signal` cancels a download, keeping its partial file.
 */
export async function loadLlamaRuntime(
  config: Config,
  logger: Logger,
  contextTokens = workerContextTokens(config),
  signal?: AbortSignal,
): Promise<LlamaRuntime> {
  const started = Date.now();
  const runtime = await createLlamaRuntime({
    model: config.llm.model,
    gpu: config.llm.gpu,
    contextTokens,
    modelsDir: join(resolveProjectPath(config.modelsDir), 'llm'),
    // isTTY is undefined, not false, when stderr is a pipe or a file: no spinner frames in logs.
    showProgress: process.stderr.isTTY === true,
    signal,
  });
  logger.info({ backend: runtime.backend, model: runtime.modelPath, ms: Date.now() - started }, `llama.cpp is using ${runtime.backend}`);
  return runtime;
}

/** The KV cells of the LLM classifier's own context (EMOTION_BACKEND=llm): its context size for each of its sequences. */
export const CLASSIFIER_CONTEXT_TOKENS = DefaultLlmEmotionClassifierOptions.contextSize * DefaultLlmEmotionClassifierOptions.sequences;

/**
 * The KV cells of the contexts a worker makes at start-up: the replies' (a context per sequence's
 * worth) and, with EMOTION_BACKEND=llm, the classifier's. A LoRA persona's context comes later, on
 * first use, and is left out of replies with a warning when it does not fit. A process that only
 * classifies (api, analyze, eval) makes the classifier's alone: CLASSIFIER_CONTEXT_TOKENS.
 */
export function workerContextTokens(config: Config): number {
  const replies = config.llm.contextSize * config.llm.sequences;
  return replies + (config.emotion.backend === 'llm' ? CLASSIFIER_CONTEXT_TOKENS : 0);
}
