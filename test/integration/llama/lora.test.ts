import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { ErrorCodes } from '../../../src/errors.js';
import type { ReplyGenerator } from '../../../src/ports/reply-generator.js';
import { buildGenerationRequest, ensureLlamaFixtures, fixturePaths, GENERATED_DIR } from './fixtures.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { loraModelMismatch, modelShapes } from '../../../src/adapters/llama/lora-model-mismatch.js';
import { writeTinyLora } from '../../../scripts/fixtures/tiny-lora.js';

let runtime: LlamaRuntime;
let generator: ReplyGenerator;

beforeAll(async () => {
  const paths = ensureLlamaFixtures();
  runtime = await createLlamaRuntime({ model: paths.model, gpu: 'cpu', modelsDir: GENERATED_DIR });
  generator = await createLlamaReplyGenerator(runtime.model, { sequences: 2, contextSize: 512 });
});

afterAll(async () => {
  await generator?.dispose();
  await runtime?.dispose();
});

describe('per-request LoRA', () => {
  it('a generator already disposed refuses a LoRA reply without making its context', async () => {
    const created: string[] = [];
    const createContext = runtime.model.createContext.bind(runtime.model);
    const watched = Object.create(runtime.model, {
      createContext: { value: (options: Parameters<typeof createContext>[0]) => (created.push(String(options?.lora ?? 'base')), createContext(options)) },
    }) as typeof runtime.model;
    const stopped = await createLlamaReplyGenerator(watched, { sequences: 1, contextSize: 256 });
    await stopped.dispose();
    await expect(stopped.generate(buildGenerationRequest({ loraPath: fixturePaths.lora }))).rejects.toMatchObject({ code: ErrorCodes.GenerationAborted });
    expect(created).toEqual(['base']);
  });

  it("a reply that may not wait is refused with LLM_BUSY while the LoRA's one sequence is busy, and a base reply still runs meanwhile", async () => {
    const busy = await createLlamaReplyGenerator(runtime.model, { sequences: 2, contextSize: 512, loraSequences: 1 });
    try {
      const starts = { long: 0, refused: 0 };
      const long = busy.generate(buildGenerationRequest({ loraPath: fixturePaths.lora, sampling: { maxTokens: 200 }, onStart: () => void (starts.long += 1) }));
      // Once its LoRA context exists and its sequence is taken, the next LoRA reply finds none free.
      let refused: unknown;
      await expect.poll(async () => {
        starts.refused = 0;
        refused = await busy
          .generate(buildGenerationRequest({ loraPath: fixturePaths.lora, whenBusy: 'refuse', sampling: { maxTokens: 1 }, onStart: () => void (starts.refused += 1) }))
          .catch((error: unknown) => error);
        return (refused as { code?: string }).code;
      }, { timeout: 10_000, interval: 5 }).toBe(ErrorCodes.LlmBusy);
      expect(refused).toMatchObject({ permanent: false, details: { retryAfterMs: expect.any(Number) } });
      // Only a reply that got its sequence says it started (the worker then shows "typing").
      expect(starts).toEqual({ long: 1, refused: 0 });
      // The base context is not held up by it, even for a request that may not wait.
      const plain = await busy.generate(buildGenerationRequest({ whenBusy: 'refuse', sampling: { maxTokens: 4 } }));
      expect(plain.tokens).toBeGreaterThan(0);
      // A request that may wait (the default) gets the sequence once it is free.
      const waited = busy.generate(buildGenerationRequest({ loraPath: fixturePaths.lora, sampling: { maxTokens: 4 } }));
      expect((await long).tokens).toBeGreaterThan(0);
      expect((await waited).tokens).toBeGreaterThan(0);
    } finally {
      await busy.dispose();
    }
  });

  it('a LoRA adapter changes the reply', async () => {
    const plain = await generator.generate(buildGenerationRequest());
    const adapted = await generator.generate(buildGenerationRequest({ loraPath: fixturePaths.lora }));
    const plainAgain = await generator.generate(buildGenerationRequest());
    expect(plainAgain.text).toBe(plain.text);
    expect(adapted.tokens).toBeGreaterThan(0);
    expect(adapted.text).not.toBe(plain.text);
  });

  it('the same adapter gives the same greedy reply each time', async () => {
    const first = await generator.generate(buildGenerationRequest({ loraPath: fixturePaths.lora }));
    const second = await generator.generate(buildGenerationRequest({ loraPath: fixturePaths.lora }));
    expect(second.text).toBe(first.text);
  });

  it('a missing LoRA file fails with MODEL_NOT_FOUND naming the path', async () => {
    const missing = `${GENERATED_DIR}no-such-lora.gguf`;
    await expect(generator.generate(buildGenerationRequest({ loraPath: missing }))).rejects.toMatchObject({
      code: ErrorCodes.ModelNotFound,
      message: expect.stringContaining(missing),
    });
  });

  it('an adapter whose context does not fit in memory is left out of the reply, with one warning', async () => {
    const { logger, lines: warnings } = capturedLogger('warn');
    // Far more sequences than any machine's RAM holds, so node-llama-cpp refuses the LoRA context up front.
    const tooMany = await createLlamaReplyGenerator(runtime.model, {
      sequences: 1,
      contextSize: 512,
      loraSequences: 1_000_000,
      logger,
    });
    try {
      const plain = await tooMany.generate(buildGenerationRequest());
      const first = await tooMany.generate(buildGenerationRequest({ loraPath: fixturePaths.lora }));
      const second = await tooMany.generate(buildGenerationRequest({ loraPath: fixturePaths.lora }));
      expect(first.text).toBe(plain.text);
      expect(second.text).toBe(plain.text);
      const outOfMemory = warnings.filter((line) => line.code === ErrorCodes.LlmOutOfMemory);
      expect(outOfMemory).toHaveLength(1);
      expect(JSON.stringify(outOfMemory[0])).toContain('too large for the available RAM');
    } finally {
      await tooMany.dispose();
    }
  });

  describe('the start-up check for an adapter made for another base model agrees with llama.cpp', () => {
    it('passes the adapter made for this model', async () => {
      expect(await loraModelMismatch(fixturePaths.lora, modelShapes(runtime.model))).toBeUndefined();
    });

    it.each([
      ['a wider model', { embedding: 128, feedForward: 256 }, /blk\.0\.\w+\.weight is 64×\d+ in the model, the adapter is for 128×\d+/],
      ['a deeper model', { layers: 3 }, /the model has no blk\.2\.\w+\.weight/],
    ])('refuses one made for %s, which llama.cpp also refuses to apply', async (name, shape, reason) => {
      const path = `${GENERATED_DIR}lora-for-${name.replace(/\W+/g, '-')}.gguf`;
      writeTinyLora(path, { model: { shape } });
      expect(await loraModelMismatch(path, modelShapes(runtime.model))).toMatch(reason);
      await expect(generator.generate(buildGenerationRequest({ loraPath: path }))).rejects.toMatchObject({
        code: ErrorCodes.ModelCorrupt,
        message: expect.stringContaining('could not be applied'),
      });
    });
  });
});
