import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as SelectGpu from '../../../src/adapters/llama/select-gpu.js';
import { loadConfig } from '../../../src/config.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import type { Logger } from '../../../src/ports/logger.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createClassifier } from '../../../src/worker/create-classifier.js';
import { createEngines } from '../../../src/worker/create-engines.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { writeUnloadableModel } from '../../support/gguf-payload.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

/**
 * The GPU this machine lacks. Asked for one, the real selectLlama is answered with the real CPU
 * binding named CUDA, so the real model loads and the real classifier runs; only what a GPU alone
 * decides is played: whether it is there, and whether its memory holds a context.
 */
const gpu = vi.hoisted(() => ({
  present: true,
  contextsFit: true,
  /** LLM_GPU of each binding the process asked for, in order. */
  asked: [] as string[],
  /** The gpuLayers of each model loaded on the GPU, where node-llama-cpp is told what room to leave. */
  layersAsked: [] as unknown[],
}));

vi.mock('../../../src/adapters/llama/select-gpu.js', async (importOriginal) => {
  const real = await importOriginal<typeof SelectGpu>();
  const { InsufficientMemoryError } = await import('node-llama-cpp');
  const selectLlama: typeof real.selectLlama = async (mode) => {
    gpu.asked.push(mode);
    if (mode === 'cpu' || !gpu.present) return real.selectLlama(mode);
    const { llama } = await real.selectLlama('cpu');
    const loadModel = llama.loadModel.bind(llama);
    llama.loadModel = async (options) => {
      gpu.layersAsked.push(options.gpuLayers);
      const model = await loadModel(options);
      // What node-llama-cpp answers when the VRAM left beside the layers cannot hold a context.
      if (!gpu.contextsFit) model.createContext = () => Promise.reject(new InsufficientMemoryError('A context size of 1024 with 2 sequences is too large for the available VRAM'));
      return model;
    };
    return { llama, backend: 'cuda' };
  };
  return { ...real, selectLlama };
});

afterEach(() => {
  Object.assign(gpu, { present: true, contextsFit: true, asked: [], layersAsked: [] });
});

type LoadClassifying = (env: Record<string, string>, logger: Logger) => Promise<EmotionClassifier>;

/** The LLM classifier as each kind of process loads it: the worker beside its reply contexts, or alone. */
const processes: Array<[string, LoadClassifying]> = [
  [
    'the worker',
    async (env, logger) => {
      const engines = await createEngines(loadConfig(env), logger, NO_METRICS);
      return { classify: (texts) => engines.classifier.classify(texts), dispose: () => engines.dispose() };
    },
  ],
  ['api, analyze and eval', (env, logger) => createClassifier(loadConfig(env), logger)],
];

const withLlmClassifier = (overrides: Record<string, string>) => ({
  EMOTION_BACKEND: 'llm',
  LLM_MODEL: ensureLlamaFixtures().model,
  MODELS_DIR: GENERATED_DIR,
  LLM_CONTEXT_SIZE: '1024',
  LLM_SEQUENCES: '2',
  ...overrides,
});

async function failureOf(load: Promise<EmotionClassifier>): Promise<unknown> {
  return load.then(
    async (classifier) => {
      await classifier.dispose();
      return new Error('it loaded');
    },
    (error: unknown) => error,
  );
}

describe.each(processes)('with EMOTION_BACKEND=llm, %s', (_name, load) => {
  it('with LLM_GPU=auto, leaves a GPU too small for its contexts for the CPU with a warning, and classifies there', async () => {
    gpu.contextsFit = false;
    const { logger, lines } = capturedLogger();
    const classifier = await load(withLlmClassifier({ LLM_GPU: 'auto' }), logger);
    try {
      const [analysis] = await classifier.classify(['I got the job!']);
      expect(EMOTIONS).toContain(analysis!.emotion);
    } finally {
      await classifier.dispose();
    }
    expect(gpu.asked).toEqual(['auto', 'cpu']);
    const warning = lines.find((line) => line.level === 'warn' && line.code === ErrorCodes.LlmOutOfMemory);
    expect(warning?.msg).toMatch(/cuda GPU memory; using the CPU/);
  });

  it('with LLM_GPU=auto, retries a model the GPU cannot load on the CPU, and calls it MODEL_CORRUPT only when the CPU fails too', async () => {
    const { logger, lines } = capturedLogger();
    const path = writeUnloadableModel(`${GENERATED_DIR}unloadable-classifier-model.gguf`);
    const failure = await failureOf(load(withLlmClassifier({ LLM_GPU: 'auto', LLM_MODEL: path }), logger));
    expect(gpu.asked).toEqual(['auto', 'cpu']);
    expect(isFeelbotError(failure, ErrorCodes.ModelCorrupt)).toBe(true);
    expect((failure as { details: Record<string, unknown> }).details.backend).toBe('cpu');
    const retry = lines.find((line) => line.level === 'warn' && line.code === ErrorCodes.ModelCorrupt);
    expect(retry?.msg).toMatch(/cuda.*retrying on the CPU/);
  });

  it('with LLM_GPU=cuda, fails on a GPU too small with LLM_OUT_OF_MEMORY naming it, and never tries the CPU', async () => {
    gpu.contextsFit = false;
    const { logger } = capturedLogger();
    const failure = await failureOf(load(withLlmClassifier({ LLM_GPU: 'cuda' }), logger));
    expect(isFeelbotError(failure, ErrorCodes.LlmOutOfMemory)).toBe(true);
    expect((failure as Error).message).toContain('cuda GPU memory');
    expect(gpu.asked).toEqual(['cuda']);
  });

  it('with LLM_GPU=cuda and no CUDA, fails with GPU_UNAVAILABLE and never tries the CPU', async () => {
    gpu.present = false;
    const { logger } = capturedLogger();
    const failure = await failureOf(load(withLlmClassifier({ LLM_GPU: 'cuda' }), logger));
    expect(isFeelbotError(failure, ErrorCodes.GpuUnavailable)).toBe(true);
    expect(gpu.asked).toEqual(['cuda']);
  });
});

describe('the layers put on a GPU leave room for the contexts the process makes', () => {
  it("api, analyze and eval leave room for the classifier's own 2 × 1,024 tokens, not for the worker's reply contexts they never make", async () => {
    const { logger } = capturedLogger();
    const classifier = await createClassifier(loadConfig(withLlmClassifier({ LLM_GPU: 'cuda', LLM_CONTEXT_SIZE: '4096', LLM_SEQUENCES: '4' })), logger);
    await classifier.dispose();
    expect(gpu.layersAsked).toEqual([{ fitContext: { contextSize: 2_048 } }]);
  });

  it("the worker leaves room for its reply contexts (LLM_SEQUENCES × LLM_CONTEXT_SIZE) and the classifier's", async () => {
    const { logger } = capturedLogger();
    const engines = await createEngines(loadConfig(withLlmClassifier({ LLM_GPU: 'cuda', LLM_CONTEXT_SIZE: '1024', LLM_SEQUENCES: '2' })), logger, NO_METRICS);
    await engines.dispose();
    expect(gpu.layersAsked).toEqual([{ fitContext: { contextSize: 2 * 1_024 + 2_048 } }]);
  });
});
