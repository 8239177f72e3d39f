import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/adapters/llama/load-model.js';
import { selectLlama } from '../../../src/adapters/llama/select-gpu.js';
import { ErrorCodes } from '../../../src/errors.js';
import { ensureLlamaFixtures } from './fixtures.js';

/** The real binding loading the tiny test GGUF, stopped as a SIGTERM during start-up stops it. */
describe('a stop signal during a model load', () => {
  it('ends the load with INTERRUPTED, not MODEL_CORRUPT (which would start a CPU fallback), and leaves no model behind', async () => {
    const { model: modelPath } = ensureLlamaFixtures();
    const { llama } = await selectLlama('cpu');
    try {
      const stop = new AbortController();
      const loading = loadModel(llama, modelPath, 'cpu', 512, stop.signal);
      stop.abort(new Error('SIGTERM'));
      const outcome = await loading.then(
        async (model) => (await model.dispose(), 'loaded'),
        (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
      );
      expect(outcome).toBe(`${ErrorCodes.Interrupted}: Stopped while loading ${modelPath}.`);

      // The same binding still loads the same file: the stop left nothing half-done.
      const again = await loadModel(llama, modelPath, 'cpu', 512);
      expect(again.tokenize('hello').length).toBeGreaterThan(0);
      await again.dispose();
    } finally {
      await llama.dispose();
    }
  });
});
