import type { Llama, LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { asOutOfMemory } from './out-of-memory.js';
import type { GpuBackend } from './select-gpu.js';

/**
 * Loads a local GGUF. A model too large for the backend's memory is LLM_OUT_OF_MEMORY; anything
 * else llama.cpp cannot read (random bytes, truncation, wrong format) is MODEL_CORRUPT, naming
 * the backend, since a GPU backend can also fail on a sound file (`LLM_GPU=auto` then tries the CPU).
 */
export async function loadModel(llama: Llama, modelPath: string, backend: GpuBackend): Promise<LlamaModel> {
  try {
    return await llama.loadModel({ modelPath });
  } catch (error) {
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

/** The backend a MODEL_CORRUPT load failure happened on, if `error` is one. */
export function modelLoadFailedOn(error: unknown): GpuBackend | undefined {
  return error instanceof FeelbotError && error.code === ErrorCodes.ModelCorrupt ? (error.details.backend as GpuBackend | undefined) : undefined;
}
