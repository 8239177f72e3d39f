import { InsufficientMemoryError } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { GpuBackend } from './select-gpu.js';

/**
 * node-llama-cpp decides "does not fit" from an estimate; when the real allocation fails anyway
 * (another process took the VRAM meanwhile, a GPU that reports its free memory wrong), llama.cpp
 * returns no context and node-llama-cpp throws this plain error.
 */
const CONTEXT_NOT_CREATED = /^Failed to create context$/;

/** What sizes the worker's reply contexts, the usual thing to lower when they do not fit. */
const REPLY_CONTEXT_SETTINGS = ['LLM_SEQUENCES', 'LLM_CONTEXT_SIZE'] as const;

/**
 * node-llama-cpp's "does not fit" (a model or its contexts larger than the GPU's memory, or the
 * RAM's), and a GPU context llama.cpp could not allocate, as LLM_OUT_OF_MEMORY, naming the backend
 * it happened on so `LLM_GPU=auto` can move to the CPU; any other error is returned as it is.
 * `lower` names the settings that size `what`. Defaults to LLM_SEQUENCES and LLM_CONTEXT_SIZE.
 */
export function asOutOfMemory(error: unknown, backend: GpuBackend, what: string, lower: readonly string[] = REPLY_CONTEXT_SETTINGS): unknown {
  const notAllocated = backend !== 'cpu' && error instanceof Error && CONTEXT_NOT_CREATED.test(error.message);
  if (!(error instanceof InsufficientMemoryError) && !notAllocated) return error;
  const memory = backend === 'cpu' ? 'RAM' : `${backend} GPU memory`;
  const remedies = [
    ...(lower.length > 0 ? [`lower ${lower.join(' or ')}`] : []),
    'use a smaller LLM_MODEL',
    // On the CPU already, there is nothing left to fall back to.
    ...(backend === 'cpu' ? [] : ['set LLM_GPU=auto to fall back to the CPU']),
  ];
  return new FeelbotError(ErrorCodes.LlmOutOfMemory, `${what} does not fit in the ${memory} (${error.message}). ${sentenceOf(remedies)}.`, {
    cause: error,
    userFacing: true,
    permanent: true,
    details: { backend },
  });
}

/** ['lower X', 'use Y', 'set Z'] as "Lower X, use Y, or set Z". */
function sentenceOf(remedies: readonly string[]): string {
  const listed = remedies.length > 1 ? `${remedies.slice(0, -1).join(', ')}, or ${remedies.at(-1)}` : (remedies[0] ?? '');
  return listed.charAt(0).toUpperCase() + listed.slice(1);
}

/** The backend an LLM_OUT_OF_MEMORY error happened on, if `error` is one. */
export function outOfMemoryBackend(error: unknown): GpuBackend | undefined {
  return error instanceof FeelbotError && error.code === ErrorCodes.LlmOutOfMemory ? (error.details.backend as GpuBackend) : undefined;
}
