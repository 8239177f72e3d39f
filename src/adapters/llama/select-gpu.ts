import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';

/** The `LLM_GPU` setting. */
export type GpuMode = 'auto' | 'cuda' | 'vulkan' | 'cpu';
export type GpuBackend = 'cuda' | 'vulkan' | 'cpu';

export interface SelectedLlama {
  readonly llama: Llama;
  /** The backend that actually loaded; the caller logs it. */
  readonly backend: GpuBackend;
}

// Fastest first; the CPU build always ships with node-llama-cpp, so auto always ends somewhere.
const AUTO_ORDER = ['cuda', 'vulkan', 'cpu'] as const satisfies readonly GpuBackend[];

/**
 * Loads the llama.cpp binding for `mode` from the prebuilt binaries only (`build: 'never'`):
 * a production worker must not start compiling llama.cpp. `auto` tries CUDA, then Vulkan, then CPU.
 */
export async function selectLlama(mode: GpuMode): Promise<SelectedLlama> {
  const candidates = mode === 'auto' ? AUTO_ORDER : [mode];
  const failures: string[] = [];
  for (const backend of candidates) {
    try {
      const gpu = backend === 'cpu' ? false : backend;
      const llama = await getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error });
      if (backend !== 'cpu' && llama.gpu !== backend) {
        await llama.dispose();
        throw new Error(`loaded ${String(llama.gpu)} instead`);
      }
      return { llama, backend };
    } catch (error) {
      failures.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new FeelbotError(
    ErrorCodes.GpuUnavailable,
    `LLM_GPU=${mode} could not load llama.cpp (${failures.join('; ')}). ` +
      'Install the matching GPU drivers, or set LLM_GPU=cpu (or auto).',
    { userFacing: true, permanent: true, details: { mode, failures } },
  );
}
