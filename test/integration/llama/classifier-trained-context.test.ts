import { LlamaModel } from 'node-llama-cpp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { createClassifier } from '../../../src/worker/create-classifier.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createEngines, type Engines } from '../../../src/worker/create-engines.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { ensureShortContextModel } from './fixtures.js';

const TRAINED = 512;

/**
 * The worker's EMOTION_BACKEND=llm classifier gets no more context than LLM_MODEL was trained on
 * (create-engines.ts: withinTrainedContext(1_024, model)). `feelbot api`, `analyze` and `eval`
 * classify with the same model through createClassifier, which should hold to the same limit.
 */
describe('the EMOTION_BACKEND=llm classifier on a model trained on a short context', () => {
  let classifier: EmotionClassifier | undefined;
  let engines: Engines | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await classifier?.dispose().catch(() => undefined);
    await engines?.dispose().catch(() => undefined);
    classifier = undefined;
    engines = undefined;
  });

  const config = () =>
    loadConfig({ LLM_MODEL: ensureShortContextModel(TRAINED), LLM_GPU: 'cpu', LLM_CONTEXT_SIZE: '512', LLM_SEQUENCES: '1', EMOTION_BACKEND: 'llm' });

  it('the worker classifier gets no more context than the model was trained on', async () => {
    const sizes: number[] = [];
    const original = LlamaModel.prototype.createContext;
    vi.spyOn(LlamaModel.prototype, 'createContext').mockImplementation(function (this: LlamaModel, options) {
      sizes.push(Number(options?.contextSize));
      return original.call(this, options);
    });
    engines = await createEngines(config(), capturedLogger().logger, NO_METRICS);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TRAINED);
  }, 60_000);

  it('the classifier of api, analyze and eval gets no more context than the model was trained on either', async () => {
    const sizes: number[] = [];
    const original = LlamaModel.prototype.createContext;
    vi.spyOn(LlamaModel.prototype, 'createContext').mockImplementation(function (this: LlamaModel, options) {
      sizes.push(Number(options?.contextSize));
      return original.call(this, options);
    });
    classifier = await createClassifier(config(), capturedLogger().logger);
    expect(sizes).toHaveLength(1);
    expect(sizes[0]).toBeLessThanOrEqual(TRAINED);
  }, 60_000);
});
