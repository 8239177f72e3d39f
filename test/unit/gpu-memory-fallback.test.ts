import { InsufficientMemoryError } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { asOutOfMemory } from '../../src/adapters/llama/out-of-memory.js';
import { loadConfig } from '../../src/config.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { NO_METRICS } from '../../src/ports/metrics.js';
import { createEngines, type Engines } from '../../src/worker/create-engines.js';
import { loadWithCpuFallback } from '../../src/worker/load-with-cpu-fallback.js';
import { capturedLogger } from '../support/captured-logger.js';

/** What a GPU of this machine's kind would answer: node-llama-cpp's own "does not fit" error. */
const VRAM_FULL = new InsufficientMemoryError('A context size of 4096 is too large for the available VRAM');

/** Stands in for the real loader: the GPU's memory is too small, the CPU's is not. */
function loaderWithSmallGpu(tried: string[]) {
  const cpuEngines = { runtime: { backend: 'cpu' } } as unknown as Engines;
  return async (config: ReturnType<typeof loadConfig>) => {
    tried.push(config.llm.gpu);
    if (config.llm.gpu !== 'cpu') throw asOutOfMemory(VRAM_FULL, 'cuda', 'LLM_SEQUENCES=4 contexts of 4096 tokens');
    return cpuEngines;
  };
}

describe('a GPU too small for the model and its contexts', () => {
  it("is node-llama-cpp's InsufficientMemoryError as LLM_OUT_OF_MEMORY naming the backend and what to lower", () => {
    const error = asOutOfMemory(VRAM_FULL, 'cuda', 'LLM_SEQUENCES=4 contexts of 4096 tokens');
    expect(isFeelbotError(error, ErrorCodes.LlmOutOfMemory)).toBe(true);
    expect((error as Error).message).toMatch(/cuda GPU memory.*LLM_SEQUENCES or LLM_CONTEXT_SIZE/s);
    const other = new Error('something else');
    expect(asOutOfMemory(other, 'cuda', 'x')).toBe(other);
  });

  it('is also a GPU context llama.cpp failed to allocate although the estimate said it fits', () => {
    // What node-llama-cpp throws when llama_init_from_model returns no context.
    const notAllocated = new Error('Failed to create context');
    const error = asOutOfMemory(notAllocated, 'vulkan', 'LLM_SEQUENCES=4 contexts of 4096 tokens');
    expect(isFeelbotError(error, ErrorCodes.LlmOutOfMemory)).toBe(true);
    expect((error as { details: { backend: string } }).details.backend).toBe('vulkan');
    // On the CPU there is nothing to fall back to: the error stays what it is.
    expect(asOutOfMemory(notAllocated, 'cpu', 'x')).toBe(notAllocated);
  });

  it('advises only what applies: no setting to lower for a context of fixed size, and no CPU fallback for what the RAM cannot hold', () => {
    const classifierContext = asOutOfMemory(VRAM_FULL, 'cuda', "The emotion classifier's context of 2048 tokens", []) as Error;
    expect(classifierContext.message).not.toMatch(/LLM_SEQUENCES|LLM_CONTEXT_SIZE/);
    expect(classifierContext.message).toMatch(/Use a smaller LLM_MODEL, or set LLM_GPU=auto to fall back to the CPU\.$/);
    const inRam = asOutOfMemory(new InsufficientMemoryError('A context size of 4096 is too large for the available RAM'), 'cpu', 'x') as Error;
    expect(inRam.message).toMatch(/the RAM .*Lower LLM_SEQUENCES or LLM_CONTEXT_SIZE, or use a smaller LLM_MODEL\.$/);
  });

  it('with LLM_GPU=auto, the worker loads on the CPU instead and warns', async () => {
    const tried: string[] = [];
    const { logger, lines } = capturedLogger();
    const engines = await createEngines(loadConfig({ LLM_GPU: 'auto' }), logger, NO_METRICS, { load: loaderWithSmallGpu(tried) });
    expect(engines.runtime.backend).toBe('cpu');
    expect(tried).toEqual(['auto', 'cpu']);
    expect(lines.some((line) => line.code === ErrorCodes.LlmOutOfMemory && line.level === 'warn')).toBe(true);
  });

  it('with LLM_GPU=auto, a stop signal during the GPU load leaves the CPU untried: the GPU failure ends start-up', async () => {
    const tried: string[] = [];
    const { logger, lines } = capturedLogger();
    const stop = new AbortController();
    const onSmallGpu = loaderWithSmallGpu(tried);
    const stoppedDuringLoad = (config: ReturnType<typeof loadConfig>) => {
      stop.abort();
      return onSmallGpu(config);
    };
    const failure = await loadWithCpuFallback(loadConfig({ LLM_GPU: 'auto' }), logger, stoppedDuringLoad, stop.signal).catch((error: unknown) => error);
    expect(tried).toEqual(['auto']);
    expect(isFeelbotError(failure, ErrorCodes.LlmOutOfMemory)).toBe(true);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('with a GPU named explicitly, start-up fails with LLM_OUT_OF_MEMORY and no CPU attempt', async () => {
    const tried: string[] = [];
    const { logger } = capturedLogger();
    const failure = await createEngines(loadConfig({ LLM_GPU: 'cuda' }), logger, NO_METRICS, { load: loaderWithSmallGpu(tried) }).catch((error: unknown) => error);
    expect(isFeelbotError(failure, ErrorCodes.LlmOutOfMemory)).toBe(true);
    expect(tried).toEqual(['cuda']);
  });
});
