import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateInSlices, PROMPT_SLICE_TOKENS } from '../../../src/adapters/llama/evaluate-in-slices.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';
import { pollUntil } from './poll-until.js';

describe('evaluateInSlices', () => {
  let runtime: LlamaRuntime;
  let context: LlamaContext;
  let sequence: LlamaContextSequence;

  beforeAll(async () => {
    runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().model, gpu: 'cpu', modelsDir: GENERATED_DIR });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });
  beforeEach(async () => {
    context = await runtime.model.createContext({ sequences: 1, contextSize: 2_048, threads: 1 });
    sequence = context.getSequence();
  });
  afterEach(async () => {
    await context?.dispose();
  });

  const manyTokens = () => runtime.model.tokenize(Array.from({ length: 200 }, (_, i) => `word${i % 97}`).join(' '));

  it('reads every token into the sequence when its signal stays quiet', async () => {
    const tokens = manyTokens();
    expect(tokens.length).toBeGreaterThan(4 * PROMPT_SLICE_TOKENS);
    await evaluateInSlices(sequence, tokens, new AbortController().signal);
    expect(sequence.contextTokens).toEqual(tokens);
  });

  it("stops between slices once its signal aborts, rejecting with the signal's reason, before the rest is read", async () => {
    const tokens = manyTokens();
    expect(tokens.length).toBeGreaterThan(4 * PROMPT_SLICE_TOKENS);
    const controller = new AbortController();
    const reason = new Error('the deadline passed');
    const evaluation = evaluateInSlices(sequence, tokens, controller.signal);
    await pollUntil(() => sequence.nextTokenIndex > 0, evaluation);
    controller.abort(reason);
    await expect(evaluation).rejects.toBe(reason);
    expect(sequence.nextTokenIndex).toBeGreaterThan(0);
    expect(sequence.nextTokenIndex).toBeLessThan(tokens.length);
  });

  it('reads nothing when its signal has already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(evaluateInSlices(sequence, manyTokens(), controller.signal)).rejects.toBe(reason);
    expect(sequence.nextTokenIndex).toBe(0);
  });
});
