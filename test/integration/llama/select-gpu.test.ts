import { describe, expect, it } from 'vitest';
import { selectLlama } from '../../../src/adapters/llama/select-gpu.js';
import { ErrorCodes } from '../../../src/errors.js';

describe('GPU selection', () => {
  it('auto returns the backend the binding actually loaded', async () => {
    const { llama, backend } = await selectLlama('auto');
    try {
      expect(llama.gpu).toBe(backend === 'cpu' ? false : backend);
    } finally {
      await llama.dispose();
    }
  });

  it('cpu always loads', async () => {
    const { llama, backend } = await selectLlama('cpu');
    await llama.dispose();
    expect(backend).toBe('cpu');
  });

  it('asking for CUDA gets CUDA, or fails with GPU_UNAVAILABLE saying what to do: never another backend', async () => {
    const outcome = await selectLlama('cuda').then(
      async ({ llama, backend }) => {
        const loaded = { backend, gpu: llama.gpu };
        await llama.dispose();
        return { loaded };
      },
      (error: unknown) => ({ error }),
    );
    if ('loaded' in outcome) {
      // A machine with CUDA: the binding that loaded is CUDA's, not a quiet fallback to another backend.
      expect(outcome.loaded).toEqual({ backend: 'cuda', gpu: 'cuda' });
    } else {
      expect(outcome.error).toMatchObject({ code: ErrorCodes.GpuUnavailable, message: expect.stringContaining('LLM_GPU=cpu') });
    }
  });
});
