import { join } from 'node:path';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { createLlamaRuntime, type LlamaRuntime } from '../adapters/llama/llama-runtime.js';
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';

/** Resolves (downloading with a progress bar when interactive) and loads LLM_MODEL on LLM_GPU. */
export async function loadLlamaRuntime(config: Config, logger: Logger): Promise<LlamaRuntime> {
  const started = Date.now();
  const runtime = await createLlamaRuntime({
    model: config.llm.model,
    gpu: config.llm.gpu,
    modelsDir: join(resolveProjectPath(config.modelsDir), 'llm'),
    // isTTY is undefined, not false, when stderr is a pipe or a file: no spinner frames in logs.
    showProgress: process.stderr.isTTY === true,
  });
  logger.info({ backend: runtime.backend, model: runtime.modelPath, ms: Date.now() - started }, `llama.cpp is using ${runtime.backend}`);
  return runtime;
}

