import { fileURLToPath } from 'node:url';
import { ensureTinyGguf } from '../../../scripts/fixtures/tiny-gguf.js';
import { ensureTinyLora } from '../../../scripts/fixtures/tiny-lora.js';
import type { GenerationRequest, SamplingSettings } from '../../../src/ports/reply-generator.js';

/** test/.generated/, gitignored; fixtures are written there on first use. */
export const GENERATED_DIR = fileURLToPath(new URL('../../.generated/', import.meta.url));

export const fixturePaths = {
  model: `${GENERATED_DIR}tiny.gguf`,
  gemmaModel: `${GENERATED_DIR}tiny-gemma.gguf`,
  lora: `${GENERATED_DIR}tiny-lora.gguf`,
} as const;

/** Writes the tiny model, its Gemma-template twin and its LoRA adapter when missing. */
export function ensureLlamaFixtures(): typeof fixturePaths {
  ensureTinyGguf(fixturePaths.model);
  ensureTinyGguf(fixturePaths.gemmaModel, { shape: { chatTemplate: 'gemma' } });
  ensureTinyLora(fixturePaths.lora);
  return fixturePaths;
}

/** Writes the tiny model trained on a `contextLength`-token context (LLM_CONTEXT_SIZE defaults to 4,096) when missing; returns its path. */
export function ensureShortContextModel(contextLength: number): string {
  return ensureTinyGguf(`${GENERATED_DIR}tiny-context-${contextLength}.gguf`, { shape: { contextLength } });
}

const GREEDY: SamplingSettings = { temperature: 0, topP: 1, repeatPenalty: 1, maxTokens: 16 };

export function buildGenerationRequest(
  overrides: Partial<Omit<GenerationRequest, 'sampling'>> & { sampling?: Partial<SamplingSettings> } = {},
): GenerationRequest {
  return {
    prompt: { system: 'You are Joy, a cheerful friend.', turns: [{ role: 'user', text: 'I passed my exam!' }] },
    ...overrides,
    sampling: { ...GREEDY, ...overrides.sampling },
  };
}
