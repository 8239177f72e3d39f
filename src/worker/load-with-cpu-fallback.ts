import { modelLoadFailedOn } from '../adapters/llama/load-model.js';
import { outOfMemoryBackend } from '../adapters/llama/out-of-memory.js';
import type { Config } from '../config.js';
import { ErrorCodes } from '../errors.js';
import type { Logger } from '../ports/logger.js';

/**
 * Runs `load` (whatever a process loads on LLM_MODEL: the worker's engines, the classifier of
 * api, analyze and eval) on LLM_GPU. With `LLM_GPU=auto`, a GPU too small for the model and the
 * contexts `load` makes, or whose llama.cpp cannot load the model, is left for the CPU with a
 * warning (the file is called corrupt only if the CPU fails too); a GPU named explicitly fails
 * with what to lower or fix, as does anything that went wrong on the CPU. After `signal` aborts,
 * the GPU's failure is the answer: no CPU load starts in a process that is stopping.
 */
export async function loadWithCpuFallback<T>(config: Config, logger: Logger, load: (config: Config) => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await load(config);
  } catch (error) {
    if (config.llm.gpu !== 'auto' || signal?.aborted) throw error;
    const tooSmall = outOfMemoryBackend(error);
    const failedOn = modelLoadFailedOn(error);
    if (tooSmall !== undefined && tooSmall !== 'cpu') {
      logger.warn({ code: ErrorCodes.LlmOutOfMemory, backend: tooSmall }, `the model and its contexts do not fit in ${tooSmall} GPU memory; using the CPU`);
    } else if (failedOn !== undefined && failedOn !== 'cpu') {
      logger.warn({ code: ErrorCodes.ModelCorrupt, backend: failedOn, err: error }, `llama.cpp on ${failedOn} could not load the model; retrying on the CPU`);
    } else {
      throw error;
    }
    return load({ ...config, llm: { ...config.llm, gpu: 'cpu' } });
  }
}
