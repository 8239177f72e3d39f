import { resolveChatWrapper } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChatHistory } from '../../../src/adapters/llama/chat-history.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { buildGenerationRequest, ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

let runtime: LlamaRuntime;

beforeAll(async () => {
  runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().gemmaModel, gpu: 'cpu', modelsDir: GENERATED_DIR });
});

afterAll(async () => {
  await runtime?.dispose();
});

describe('chat templates', () => {
  it('a Gemma-template model, which has no system role, gets the system text folded into the first user turn', () => {
    const wrapper = resolveChatWrapper(runtime.model);
    expect(wrapper.wrapperName).toBe('Gemma');
    const prompt = buildGenerationRequest({ prompt: { system: 'You are Fear.', turns: [{ role: 'user', text: 'Is it safe?' }] } }).prompt;
    const rendered = wrapper.generateContextState({ chatHistory: toChatHistory(prompt) }).contextText.toString();
    expect(rendered).not.toContain('<start_of_turn>system');
    expect(rendered).toMatch(/<start_of_turn>user\nYou are Fear\.[\s\S]*Is it safe\?<end_of_turn>\n<start_of_turn>model\n$/u);
  });

  it('a Gemma-template model generates a reply from a prompt with a system text', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
    try {
      expect((await generator.generate(buildGenerationRequest())).tokens).toBeGreaterThan(0);
    } finally {
      await generator.dispose();
    }
  });
});
