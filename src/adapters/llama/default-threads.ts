import type { Llama } from 'node-llama-cpp';

/**
 * One core fewer than llama.cpp's math cores, leaving one for Node's event loop; more threads
 * than cores makes ggml's spinning threads fight (measured: 2 threads on 2 vCPUs ran 25x slower than 1).
 */
export function defaultThreads(llama: Llama): number {
  return Math.max(1, llama.cpuMathCores - 1);
}
