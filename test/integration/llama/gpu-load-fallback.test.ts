import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/adapters/llama/load-model.js';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { selectLlama } from '../../../src/adapters/llama/select-gpu.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createEngines, type Engines } from '../../../src/worker/create-engines.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { writeUnloadableModel } from '../../support/gguf-payload.js';

/**
 * Resolves, then loads `modelPath` with the real binding, as createLlamaRuntime does. This machine
 * has no GPU, so the CPU binding stands in for one when the config asks for a GPU; loadModel is told
 * which backend it is on.
 */
function realLoader(modelPath: string, tried: string[]) {
  return async (config: Config): Promise<Engines> => {
    tried.push(config.llm.gpu);
    const resolved = await resolveModel(modelPath, { modelsDir: GENERATED_DIR });
    const { llama } = await selectLlama('cpu');
    try {
      await loadModel(llama, resolved, config.llm.gpu === 'cpu' ? 'cpu' : 'cuda');
    } finally {
      await llama.dispose();
    }
    throw new Error('the model loaded');
  };
}

describe('a model that a GPU backend fails to load', () => {
  it('with LLM_GPU=auto, is retried on the CPU with a warning, and is MODEL_CORRUPT only when the CPU fails too', async () => {
    const tried: string[] = [];
    const { logger, lines } = capturedLogger();
    const path = writeUnloadableModel(`${GENERATED_DIR}unloadable-model.gguf`);
    const failure = await createEngines(loadConfig({ LLM_GPU: 'auto' }), logger, NO_METRICS, { load: realLoader(path, tried) }).catch((error: unknown) => error);
    expect(tried).toEqual(['auto', 'cpu']);
    expect(isFeelbotError(failure, ErrorCodes.ModelCorrupt)).toBe(true);
    expect((failure as Error).message).toContain(path);
    expect((failure as { details: Record<string, unknown> }).details.backend).toBe('cpu');
    const retry = lines.find((line) => line.level === 'warn' && line.code === ErrorCodes.ModelCorrupt);
    expect(retry?.msg).toMatch(/cuda.*retrying on the CPU/);
  });

  it('with LLM_GPU=auto, an LLM_MODEL naming a folder is MODEL_NOT_FOUND at once, with no retry on the CPU', async () => {
    const tried: string[] = [];
    const { logger, lines } = capturedLogger();
    const folder = mkdtempSync(join(tmpdir(), 'feelbot-models-'));
    try {
      const failure = await createEngines(loadConfig({ LLM_GPU: 'auto' }), logger, NO_METRICS, { load: realLoader(folder, tried) }).catch((error: unknown) => error);
      expect(isFeelbotError(failure, ErrorCodes.ModelNotFound)).toBe(true);
      expect(tried).toEqual(['auto']);
      expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('with LLM_GPU=auto, a model file cut short is MODEL_CORRUPT at once, saying so, with no load on the GPU nor retry on the CPU', async () => {
    const tried: string[] = [];
    const { logger, lines } = capturedLogger();
    const whole = readFileSync(ensureLlamaFixtures().model);
    const path = `${GENERATED_DIR}truncated-tensors.gguf`;
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const failure = await createEngines(loadConfig({ LLM_GPU: 'auto' }), logger, NO_METRICS, { load: realLoader(path, tried) }).catch((error: unknown) => error);
    expect(isFeelbotError(failure, ErrorCodes.ModelCorrupt)).toBe(true);
    expect((failure as Error).message).toContain(`Model file ${path} cannot be used: truncated-tensors.gguf is incomplete`);
    expect(tried).toEqual(['auto']);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('with a GPU named explicitly, fails with MODEL_CORRUPT and no CPU attempt', async () => {
    const tried: string[] = [];
    const { logger } = capturedLogger();
    const failure = await createEngines(loadConfig({ LLM_GPU: 'cuda' }), logger, NO_METRICS, { load: realLoader(writeUnloadableModel(`${GENERATED_DIR}unloadable-model.gguf`), tried) }).catch(
      (error: unknown) => error,
    );
    expect(isFeelbotError(failure, ErrorCodes.ModelCorrupt)).toBe(true);
    expect(tried).toEqual(['cuda']);
  });
});
