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

  it('asking for CUDA where it cannot load fails with GPU_UNAVAILABLE and says what to do', async () => {
    const error = await selectLlama('cuda').then(
      async ({ llama }) => {
        await llama.dispose();
        return undefined;
      },
      (caught: unknown) => caught,
    );
    // On a machine with CUDA there is nothing to assert here.
    if (error === undefined) return;
    expect(error).toMatchObject({ code: ErrorCodes.GpuUnavailable, message: expect.stringContaining('LLM_GPU=cpu') });
  });
});
