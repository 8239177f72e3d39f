import { LlamaChat, resolveChatWrapper, type ChatHistoryItem, type LlamaChatResponse } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { promptTokens } from '../../../src/adapters/llama/grammar-completion.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { buildPrompt } from '../../../src/domain/build-prompt.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

/** Small enough for the tiny model's byte-level vocabulary: the channel's chatter cannot all fit beside the reply. */
const CONTEXT_SIZE = 2_048;
const joy = DEFAULT_PERSONAS.joy;
const joyAnswered = 'Congratulations on passing your driving test, that is wonderful news!';

/** Bob replies to Joy's answer, older than the channel's recent messages: the oldest entry of the context. */
function replyToJoyPrompt() {
  const chatter = Array.from({ length: 8 }, (_, i) => ({
    messageId: `11000000000000001${10 + i}`,
    authorName: `Member ${i}`,
    authorId: `12000000000000001${10 + i}`,
    content: `line ${i}: the weekend plans, at length. `.repeat(15),
  }));
  return buildPrompt({
    persona: joy,
    context: [{ messageId: '1100000000000000100', authorName: 'Joy', content: joyAnswered, persona: 'Joy', personaKey: 'joy', repliedTo: true }, ...chatter],
    message: { authorName: 'Bob', authorId: '1200000000000000100', content: 'haha that is so good to hear' },
    characterNames: Object.values(DEFAULT_PERSONAS).map((persona) => persona.name),
  });
}

/** What a model turn of a history says. */
function modelText(item: ChatHistoryItem): string {
  return item.type === 'model' ? item.response.filter((part) => typeof part === 'string').join('') : '';
}

describe("a reply to the persona's own message, older than a channel's chatter that outgrows the context, on a Gemma model (real llama.cpp)", () => {
  let runtime: LlamaRuntime;
  const asked: ChatHistoryItem[][] = [];
  const evaluated: LlamaChatResponse[] = [];

  beforeAll(async () => {
    runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().gemmaModel, gpu: 'cpu', modelsDir: GENERATED_DIR });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is written with the persona's message in the context, its own turn after a user turn, within the context beside the reply", async () => {
    const original = LlamaChat.prototype.generateResponse;
    vi.spyOn(LlamaChat.prototype, 'generateResponse').mockImplementation(async function (this: LlamaChat, ...args) {
      asked.push(args[0]);
      const response = await original.apply(this, args);
      evaluated.push(response);
      return response;
    });
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: CONTEXT_SIZE });
    try {
      await generator.generate({ prompt: replyToJoyPrompt(), sampling: { ...joy.sampling, temperature: 0, maxTokens: 8 } });
    } finally {
      await generator.dispose();
    }
    const history = asked[0]!;
    expect(promptTokens(runtime.model, resolveChatWrapper(runtime.model), history)).toBeLessThanOrEqual(CONTEXT_SIZE - 8);
    // Some chatter had to go, and the conversation opens on a user turn as Gemma's template wants.
    expect(history.filter((item) => item.type === 'user').map((item) => (item.type === 'user' ? item.text : '')).join('\n')).not.toContain('line 0:');
    expect(history.find((item) => item.type !== 'system')?.type).toBe('user');
    expect(history.filter((item) => item.type === 'model').map(modelText)).toContain(joyAnswered);
    // LlamaChat evaluated it too: nothing of it was erased to make room.
    expect(evaluated[0]!.lastEvaluation.contextWindow.map(modelText)).toContain(joyAnswered);
  }, 120_000);
});
