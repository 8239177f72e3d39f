import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { PACKAGE_ROOT } from '../../../src/adapters/files/package-root.js';
import { ErrorCodes } from '../../../src/errors.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

// Generous bound for "fails fast": the stall timeout below is 2 s.
const FAST_FAILURE_MS = 10_000;

describe('model resolution and loading', () => {
  it('a local model loads on the CPU and reports its backend', async () => {
    const runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().model, gpu: 'cpu', modelsDir: GENERATED_DIR });
    try {
      expect(runtime.backend).toBe('cpu');
      expect(runtime.model.tokenizer('hello').length).toBeGreaterThan(0);
    } finally {
      await runtime.dispose();
    }
  });

  it('a relative LLM_MODEL path is found from the package folder when the bot starts elsewhere (as EMOTION_MODEL is)', async () => {
    const { model } = ensureLlamaFixtures();
    const fromPackage = relative(PACKAGE_ROOT, model);
    const previous = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(await resolveModel(fromPackage, { modelsDir: GENERATED_DIR })).toBe(model);
    } finally {
      process.chdir(previous);
    }
  });

  it('a missing model file fails with MODEL_NOT_FOUND naming the path', async () => {
    const missing = `${GENERATED_DIR}missing-model.gguf`;
    await expect(resolveModel(missing, { modelsDir: GENERATED_DIR })).rejects.toMatchObject({
      code: ErrorCodes.ModelNotFound,
      userFacing: true,
      message: expect.stringContaining(missing),
    });
  });

  it('a corrupt model file fails with MODEL_CORRUPT', async () => {
    const corrupt = `${GENERATED_DIR}corrupt.gguf`;
    writeFileSync(corrupt, Buffer.from(Array.from({ length: 4_096 }, (_, i) => (i * 97 + 13) % 256)));
    await expect(createLlamaRuntime({ model: corrupt, gpu: 'cpu', modelsDir: GENERATED_DIR })).rejects.toMatchObject({
      code: ErrorCodes.ModelCorrupt,
      message: expect.stringContaining(corrupt),
    });
  });

  it.each(['hf:feelbot-test/missing-model-GGUF:Q8_0', 'hf:feelbot-test/missing-model-GGUF/model.Q8_0.gguf'])(
    'an hf: URI offline (%s) fails fast with a message that says what to do',
    async (uri) => {
      const started = performance.now();
      const error = await resolveModel(uri, { modelsDir: `${GENERATED_DIR}models`, showProgress: false, stallTimeoutMs: 2_000 }).catch(
        (caught: unknown) => caught,
      );
      expect(performance.now() - started).toBeLessThan(FAST_FAILURE_MS);
      expect(error).toMatchObject({ code: ErrorCodes.ModelDownloadFailed, userFacing: true });
      expect((error as Error).message).toContain('feelbot models pull');
      expect((error as Error).message).toContain('LLM_MODEL');
    },
    FAST_FAILURE_MS + 5_000,
  );
});
