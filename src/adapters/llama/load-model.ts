import type { Llama, LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { checkModelFile } from './model-file.js';
import { asOutOfMemory } from './out-of-memory.js';
import type { GpuBackend } from './select-gpu.js';

/**
 * Loads a local GGUF. A path that is no file is MODEL_NOT_FOUND; a model too large for the backend's
 * memory is LLM_OUT_OF_MEMORY; anything else llama.cpp cannot read (random bytes, truncation, wrong format) is MODEL_CORRUPT, naming
 * the backend, since a GPU backend can also fail on a sound file (`LLM_GPU=auto` then tries the CPU).
 */
export async function loadModel(
  llama: Pick<Llama, 'loadModel'>,
  modelPath: string,
  backend: GpuBackend,
  contextTokens?: number,
  signal?: AbortSignal,
): Promise<LlamaModel> {
  try {
    if (signal?.aborted) throw signal.reason;
    return await llama.loadModel({ modelPath, gpuLayers: gpuLayersFor(contextTokens), ...(signal ? { loadSignal: signal } : {}) });
  } catch (error) {
    // A stop, not the file: no CPU fallback is tried after it.
    if (signal?.aborted) throw loadInterrupted(modelPath, signal.reason);
    // A folder or a missing file is MODEL_NOT_FOUND, not a corrupt model to delete (nor one to retry on the CPU).
    await checkModelFile(modelPath);
    const tooLarge = asOutOfMemory(error, backend, `Model ${modelPath}`);
    if (tooLarge !== error) throw tooLarge;
    throw new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `Model file ${modelPath} is not a valid GGUF model (${error instanceof Error ? error.message : String(error)}). ` +
        'Delete it and download it again, or point LLM_MODEL at another .gguf file.',
      { cause: error, userFacing: true, permanent: true, details: { path: modelPath, backend } },
    );
  }
}

/**
 * As many layers on the GPU as leave room for the contexts the process will make: node-llama-cpp's
 * "auto" leaves room for one context of its own "auto" size, and contexts larger than that would
 * not fit, so the worker would fall back to the CPU altogether instead of offloading fewer layers.
 */
export function gpuLayersFor(contextTokens: number | undefined): 'auto' | { fitContext: { contextSize: number } } {
  return contextTokens === undefined ? 'auto' : { fitContext: { contextSize: contextTokens } };
}

/** The backend a MODEL_CORRUPT load failure happened on, if `error` is one. */
export function modelLoadFailedOn(error: unknown): GpuBackend | undefined {
  return error instanceof FeelbotError && error.code === ErrorCodes.ModelCorrupt ? (error.details.backend as GpuBackend | undefined) : undefined;
}

/** A model load a stop signal ended: `reason` is the signal's abort reason. */
function loadInterrupted(modelPath: string, reason: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.Interrupted, `Stopped while loading ${modelPath}.`, {
    cause: reason,
    userFacing: true,
    details: { ...(isFeelbotError(reason) ? reason.details : {}), path: modelPath },
  });
}
