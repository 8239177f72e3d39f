import { describe, expect, it } from 'vitest';
import { gpuLayersFor, loadModel } from '../../src/adapters/llama/load-model.js';
import { loadConfig } from '../../src/config.js';
import { workerContextTokens } from '../../src/worker/load-llama-runtime.js';

describe('layers on the GPU leave room for the contexts the worker makes', () => {
  it('the worker asks for room for its reply sequences, and for the LLM classifier when it is the backend', () => {
    expect(workerContextTokens(loadConfig({ LLM_CONTEXT_SIZE: '4096', LLM_SEQUENCES: '4' }))).toBe(16_384);
    expect(workerContextTokens(loadConfig({ LLM_CONTEXT_SIZE: '4096', LLM_SEQUENCES: '4', EMOTION_BACKEND: 'llm' }))).toBe(16_384 + 2_048);
  });

  it('the model is loaded with the layers that fit beside them, or node-llama-cpp\'s own "auto" without a size', async () => {
    expect(gpuLayersFor(undefined)).toBe('auto');
    const asked: unknown[] = [];
    const llama = { loadModel: async (options: unknown) => (asked.push(options), {}) } as unknown as Parameters<typeof loadModel>[0];
    await loadModel(llama, 'model.gguf', 'cuda', 16_384);
    expect(asked).toEqual([{ modelPath: 'model.gguf', gpuLayers: { fitContext: { contextSize: 16_384 } } }]);
  });
});
