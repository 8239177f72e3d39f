import { LlamaChat, resolveChatWrapper, type ChatHistoryItem, type LlamaChatResponse } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { responseOptions } from '../../../src/adapters/llama/chat-response.js';
import { defaultThreads } from '../../../src/adapters/llama/default-threads.js';
import { promptTokens } from '../../../src/adapters/llama/grammar-completion.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { buildPrompt } from '../../../src/domain/build-prompt.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import { ErrorCodes } from '../../../src/errors.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';
import { writeScriptedGguf } from './scripted-model.js';

/** LLM_CONTEXT_SIZE small enough for the tiny model's byte-level vocabulary to fill it with one long message. */
const CONTEXT_SIZE = 2_048;
const joy = DEFAULT_PERSONAS.joy;

/** A 4,000-character message (Discord's Nitro limit), answered by Joy with no earlier messages. */
function longMessagePrompt() {
  return buildPrompt({
    persona: joy,
    context: [],
    message: { authorName: 'Alice', authorId: '1100000000000000003', content: 'please read all of this '.repeat(167) },
    characterNames: Object.values(DEFAULT_PERSONAS).map((persona) => persona.name),
  });
}

/** The newest user turn of what LlamaChat evaluated, or a note that it was erased. */
function lastUserText(response: LlamaChatResponse): string {
  const lastUser = response.lastEvaluation.contextWindow.findLast((item) => item.type === 'user');
  return lastUser?.type === 'user' ? lastUser.text : '(the message being answered was erased from the context)';
}

describe.each([
  ["Gemma (the default LLM_MODEL's template)", 'gemmaModel'],
  ['ChatML', 'model'],
] as const)('a reply to a message as long as Discord allows, on a %s model (real llama.cpp)', (_name, fixture) => {
  let runtime: LlamaRuntime;
  const asked: ChatHistoryItem[][] = [];
  const evaluated: LlamaChatResponse[] = [];

  beforeAll(async () => {
    runtime = await createLlamaRuntime({ model: ensureLlamaFixtures()[fixture], gpu: 'cpu', modelsDir: GENERATED_DIR });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    asked.length = 0;
    evaluated.length = 0;
  });

  /** Records the history each reply asks LlamaChat for, and what LlamaChat actually evaluated. */
  function watchEvaluations() {
    const original = LlamaChat.prototype.generateResponse;
    vi.spyOn(LlamaChat.prototype, 'generateResponse').mockImplementation(async function (this: LlamaChat, ...args) {
      asked.push(args[0]);
      const response = await original.apply(this, args);
      evaluated.push(response);
      return response;
    });
  }

  async function replyTo(maxTokens: number) {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: CONTEXT_SIZE });
    watchEvaluations();
    try {
      await generator.generate({ prompt: longMessagePrompt(), sampling: { ...joy.sampling, temperature: 0, maxTokens } });
    } finally {
      await generator.dispose();
    }
  }

  it("is asked with a prompt that, as the chat template renders it, leaves the context room for the reply's maxTokens", async () => {
    await replyTo(joy.sampling.maxTokens);
    const tokens = promptTokens(runtime.model, resolveChatWrapper(runtime.model), asked[0]!);
    expect(tokens).toBeLessThanOrEqual(CONTEXT_SIZE - joy.sampling.maxTokens);
  });

  it("that runs to maxTokens is written with the person's quoted message still in the context", async () => {
    await replyTo(joy.sampling.maxTokens);
    expect(lastUserText(evaluated[0]!)).toContain('Reply to the author of the last quoted message, as Joy.');
  });

  it("that is short is written with the person's text still inside its quote markers", async () => {
    await replyTo(8);
    // The user's words must stay data: the turn starts with the quote's opening marker.
    expect(lastUserText(evaluated[0]!).slice(0, 40)).toMatch(/^<<<Alice: /);
  });
});

describe('a reply that would outgrow its context (real llama.cpp)', () => {
  /** Small, so a short history and reply outgrow it. */
  const SMALL_CONTEXT = 256;
  let runtime: LlamaRuntime;

  beforeAll(async () => {
    // Writes "Yay" and then "y" until stopped: never ends before maxTokens.
    const model = await writeScriptedGguf(ensureLlamaFixtures().model, `${GENERATED_DIR}tiny-scripted-endless.gguf`, 'Yay');
    runtime = await createLlamaRuntime({ model, gpu: 'cpu', modelsDir: GENERATED_DIR });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  /** Runs one LlamaChat reply with the options the reply generator gives it. */
  async function generate(userText: string, maxTokens: number) {
    const context = await runtime.model.createContext({ contextSize: SMALL_CONTEXT, sequences: 1, threads: defaultThreads(runtime.model.llama) });
    const chat = new LlamaChat({ contextSequence: context.getSequence() });
    try {
      const history: ChatHistoryItem[] = [
        { type: 'system', text: 'You are Joy.' },
        { type: 'user', text: userText },
        { type: 'model', response: [] },
      ];
      const sampling = { temperature: 0, topP: 1, repeatPenalty: 1, maxTokens };
      return await chat.generateResponse(history, responseOptions(sampling, new AbortController().signal, () => {}));
    } finally {
      chat.dispose();
      await context.dispose();
    }
  }

  it('is refused with PROMPT_TOO_LONG when its prompt alone is past the context, rather than answered without the message', async () => {
    await expect(generate(`<<<Alice: ${'please read all of this '.repeat(20)}>>>`, 16)).rejects.toMatchObject({ code: ErrorCodes.PromptTooLong });
  });

  it('is refused with PROMPT_TOO_LONG when it runs past the context, rather than going on with the message erased', async () => {
    const userText = `<<<Alice: ${'hello '.repeat(20)}>>>`;
    // Within the context by itself, and the reply alone fits too: only the two together do not.
    expect(runtime.model.tokenize(userText).length).toBeLessThan(SMALL_CONTEXT / 2);
    await expect(generate(userText, SMALL_CONTEXT - 16)).rejects.toMatchObject({ code: ErrorCodes.PromptTooLong });
  });
});
