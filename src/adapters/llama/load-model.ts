import type { Llama, LlamaModel } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';

/** Loads a local GGUF; anything llama.cpp cannot read (random bytes, truncation, wrong format) is MODEL_CORRUPT. */
export async function loadModel(llama: Llama, modelPath: string): Promise<LlamaModel> {
  try {
    return await llama.loadModel({ modelPath });
  } catch (error) {
    throw new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `Model file ${modelPath} is not a valid GGUF model (${error instanceof Error ? error.message : String(error)}). ` +
        'Delete it and download it again, or point LLM_MODEL at another .gguf file.',
      { cause: error, userFacing: true, permanent: true, details: { path: modelPath } },
    );
  }
}
