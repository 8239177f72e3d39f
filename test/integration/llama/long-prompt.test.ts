import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import type { ReplyGenerator } from '../../../src/ports/reply-generator.js';
import { buildGenerationRequest, ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

describe('a conversation longer than the context', () => {
  let runtime: LlamaRuntime;
  let generator: ReplyGenerator;

  beforeAll(async () => {
    const { model } = ensureLlamaFixtures();
    runtime = await createLlamaRuntime({ model, gpu: 'cpu', modelsDir: GENERATED_DIR });
    generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
  });

  afterAll(async () => {
    await generator?.dispose();
    await runtime?.dispose();
  });

  it('is trimmed to fit instead of failing: a 4,000-character message with history still gets a reply', async () => {
    const history = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? ('assistant' as const) : ('user' as const), text: `turn ${i} `.repeat(40) }));
    const result = await generator.generate(
      buildGenerationRequest({
        prompt: { system: 'You are Joy, a cheerful friend.', turns: [...history, { role: 'user', text: 'x'.repeat(4_000) }] },
        sampling: { maxTokens: 16 },
      }),
    );
    expect(result.tokens).toBeGreaterThan(0);
  });
});
