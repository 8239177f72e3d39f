import { join } from 'node:path';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { createLlamaRuntime, type LlamaRuntime } from '../adapters/llama/llama-runtime.js';
import { DefaultLlmEmotionClassifierOptions } from '../adapters/llama/llm-emotion-classifier.js';
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';

/** Resolves (downloading with a progress bar when interactive) and loads LLM_MODEL on LLM_GPU. */
export async function loadLlamaRuntime(config: Config, logger: Logger): Promise<LlamaRuntime> {
  const started = Date.now();
  const runtime = await createLlamaRuntime({
    model: config.llm.model,
    gpu: config.llm.gpu,
    contextTokens: contextTokensOf(config),
    modelsDir: join(resolveProjectPath(config.modelsDir), 'llm'),
    // isTTY is undefined, not false, when stderr is a pipe or a file: no spinner frames in logs.
    showProgress: process.stderr.isTTY === true,
  });
  logger.info({ backend: runtime.backend, model: runtime.modelPath, ms: Date.now() - started }, `llama.cpp is using ${runtime.backend}`);
  return runtime;
}

/**
 * The KV cells of the contexts made at start-up: the replies' (a context per sequence's worth) and,
 * with EMOTION_BACKEND=llm, the classifier's. A LoRA persona's context comes later, on first use,
 * and is left out of replies with a warning when it does not fit.
 */
export function contextTokensOf(config: Config): number {
  const replies = config.llm.contextSize * config.llm.sequences;
  const { contextSize, sequences } = DefaultLlmEmotionClassifierOptions;
  return replies + (config.emotion.backend === 'llm' ? contextSize * sequences : 0);
}
