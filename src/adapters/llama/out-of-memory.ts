import { InsufficientMemoryError } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { GpuBackend } from './select-gpu.js';

/**
 * node-llama-cpp decides "does not fit" from an estimate; when the real allocation fails anyway
 * (another process took the VRAM meanwhile, a GPU that reports its free memory wrong), llama.cpp
 * returns no context and node-llama-cpp throws this plain error.
 */
const CONTEXT_NOT_CREATED = /^Failed to create context$/;

/**
 * node-llama-cpp's "does not fit" (a model or its contexts larger than the GPU's memory, or the
 * RAM's), and a GPU context llama.cpp could not allocate, as LLM_OUT_OF_MEMORY, naming the backend
 * it happened on so `LLM_GPU=auto` can move to the CPU; any other error is returned as it is.
 */
export function asOutOfMemory(error: unknown, backend: GpuBackend, what: string): unknown {
  const notAllocated = backend !== 'cpu' && error instanceof Error && CONTEXT_NOT_CREATED.test(error.message);
  if (!(error instanceof InsufficientMemoryError) && !notAllocated) return error;
  const memory = backend === 'cpu' ? 'RAM' : `${backend} GPU memory`;
  return new FeelbotError(
    ErrorCodes.LlmOutOfMemory,
    `${what} does not fit in the ${memory} (${error.message}). ` +
      'Lower LLM_SEQUENCES or LLM_CONTEXT_SIZE, use a smaller LLM_MODEL, or set LLM_GPU=auto to fall back to the CPU.',
    { cause: error, userFacing: true, permanent: true, details: { backend } },
  );
}

/** The backend an LLM_OUT_OF_MEMORY error happened on, if `error` is one. */
export function outOfMemoryBackend(error: unknown): GpuBackend | undefined {
  return error instanceof FeelbotError && error.code === ErrorCodes.LlmOutOfMemory ? (error.details.backend as GpuBackend) : undefined;
}
