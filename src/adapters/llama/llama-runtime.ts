import type { Llama, LlamaModel } from 'node-llama-cpp';
import { loadModel } from './load-model.js';
import { resolveModel, type ResolveModelOptions } from './resolve-model.js';
import { selectLlama, type GpuBackend, type GpuMode } from './select-gpu.js';

export interface LlamaRuntimeOptions extends Omit<ResolveModelOptions, 'download'> {
  /** `LLM_MODEL`: a local .gguf path or an `hf:` URI. */
  readonly model: string;
  /** `LLM_GPU`. Defaults to `"auto"`. */
  readonly gpu?: GpuMode;
  /** Tokens of every context the process will make on the model, which the layers on a GPU leave room for. */
  readonly contextTokens?: number;
}

/** The process's single llama.cpp binding and loaded model; generators and classifiers borrow it. */
export interface LlamaRuntime {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly backend: GpuBackend;
  readonly modelPath: string;
  /** Disposes the model and the binding; dispose borrowers (their contexts) first. */
  dispose(): Promise<void>;
}

/** Resolves (downloading if needed), then loads the model on the selected backend. */
export async function createLlamaRuntime(options: LlamaRuntimeOptions): Promise<LlamaRuntime> {
  const modelPath = await resolveModel(options.model, options);
  const { llama, backend } = await selectLlama(options.gpu ?? 'auto');
  try {
    const model = await loadModel(llama, modelPath, backend, options.contextTokens, options.signal);
    return {
      llama,
      model,
      backend,
      modelPath,
      async dispose() {
        await model.dispose();
        await llama.dispose();
      },
    };
  } catch (error) {
    await llama.dispose();
    throw error;
  }
}
