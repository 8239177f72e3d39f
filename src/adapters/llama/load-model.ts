import type { Llama, LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { asOutOfMemory } from './out-of-memory.js';
import type { GpuBackend } from './select-gpu.js';

/**
 * Loads a local GGUF. A model too large for the backend's memory is LLM_OUT_OF_MEMORY; anything
 * else llama.cpp cannot read (random bytes, truncation, wrong format) is MODEL_CORRUPT.
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
      { cause: error, userFacing: true, permanent: true, details: { path: modelPath } },
    );
  }
}
