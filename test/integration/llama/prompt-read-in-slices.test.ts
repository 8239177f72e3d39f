import { LlamaChat, LlamaContext, resolveChatWrapper, type LlamaContextSequence } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toChatHistory } from '../../../src/adapters/llama/chat-history.js';
import { responseOptions } from '../../../src/adapters/llama/chat-response.js';
import { defaultThreads } from '../../../src/adapters/llama/default-threads.js';
import { PROMPT_SLICE_TOKENS } from '../../../src/adapters/llama/evaluate-in-slices.js';
import { createLlamaReplyGenerator, renderedPromptTokens } from '../../../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createPooledContext } from '../../../src/adapters/llama/pooled-context.js';
import { ErrorCodes } from '../../../src/errors.js';
import type { GenerationRequest, Prompt, ReplyGenerator } from '../../../src/ports/reply-generator.js';
import { buildGenerationRequest, ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';
import { pollUntil } from './poll-until.js';

const CONTEXT_SIZE = 4_096;

/** A conversation whose rendered prompt runs to many slices: `words` words in the user's message. */
function longPrompt(words: number): Prompt {
  const text = Array.from({ length: words }, (_, i) => `word${i % 97}`).join(' ');
  return { system: 'You are Joy, a cheerful friend.', turns: [{ role: 'user', text }] };
}

/** The sequences of every context created from now on, in the order they are taken (node-llama-cpp's public getSequence). */
function recordSequences(): LlamaContextSequence[] {
  const sequences: LlamaContextSequence[] = [];
  const original = LlamaContext.prototype.getSequence;
  vi.spyOn(LlamaContext.prototype, 'getSequence').mockImplementation(function (this: LlamaContext, ...args) {
    const sequence = original.apply(this, args);
    sequences.push(sequence);
    return sequence;
  });
  return sequences;
}

describe.each(['model', 'gemmaModel'] as const)('a long prompt read in slices (%s)', (fixture) => {
  let runtime: LlamaRuntime;

  beforeAll(async () => {
    runtime = await createLlamaRuntime({ model: ensureLlamaFixtures()[fixture], gpu: 'cpu', modelsDir: GENERATED_DIR });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The generator's greedy reply to `prompt`, with what its sequence holds and has read (taken before dispose empties it). */
  async function slicedReply(request: GenerationRequest) {
    const sequences = recordSequences();
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: CONTEXT_SIZE });
    const [sequence] = sequences;
    try {
      const reply = await generator.generate(request);
      return { text: reply.text, tokens: reply.tokens, state: sequence!.contextTokens, read: sequence!.tokenMeter.usedInputTokens };
    } finally {
      await generator.dispose();
    }
  }

  /** LlamaChat's own reply to the same request on a fresh sequence of a context made alike, reading the prompt itself. */
  async function plainReply(request: GenerationRequest) {
    const pooled = await createPooledContext(runtime.model, { sequences: 1, contextSize: CONTEXT_SIZE, threads: defaultThreads(runtime.model.llama) });
    const sequence = await pooled.sequences.acquire();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: resolveChatWrapper(runtime.model), autoDisposeSequence: false });
    try {
      const response = await chat.generateResponse(toChatHistory(request.prompt), responseOptions(request.sampling, new AbortController().signal, () => {}));
      return { text: response.response, state: sequence.contextTokens, read: sequence.tokenMeter.usedInputTokens };
    } finally {
      chat.dispose({ disposeSequence: false });
      await pooled.context.dispose();
    }
  }

  /** Starts a reply to a prompt of many slices, and once its sequence has read some of it, stops it with `stop`. */
  async function stoppedWhileReading(stop: (generator: ReplyGenerator, cancel: AbortController) => Promise<void>) {
    const prompt = longPrompt(600);
    const promptLength = renderedPromptTokens(runtime.model)(prompt);
    expect(promptLength).toBeGreaterThan(4 * PROMPT_SLICE_TOKENS);
    expect(promptLength).toBeLessThan(CONTEXT_SIZE - 16);
    const sequences = recordSequences();
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: CONTEXT_SIZE });
    const [sequence] = sequences;
    const cancel = new AbortController();
    try {
      const reply = generator.generate(buildGenerationRequest({ prompt, signal: cancel.signal, sampling: { maxTokens: 16 } }));
      await pollUntil(() => sequence!.nextTokenIndex > 0, reply);
      await Promise.all([stop(generator, cancel), expect(reply).rejects.toMatchObject({ code: ErrorCodes.GenerationAborted })]);
      return { promptLength, read: sequence!.tokenMeter.usedInputTokens };
    } finally {
      await generator.dispose();
    }
  }

  it('gives the same greedy reply as LlamaChat reading the prompt itself, and LlamaChat reuses the slices instead of reading the prompt again', async () => {
    const request = buildGenerationRequest({ prompt: longPrompt(300), sampling: { maxTokens: 16 } });
    expect(renderedPromptTokens(runtime.model)(request.prompt)).toBeGreaterThan(3 * PROMPT_SLICE_TOKENS);
    const sliced = await slicedReply(request);
    const plain = await plainReply(request);
    expect(sliced.tokens).toBeGreaterThan(0);
    expect(sliced.text).toBe(plain.text);
    // The same tokens in the state, and no more read to get there: the sliced prompt was not read a second time.
    expect(sliced.state).toEqual(plain.state);
    expect(sliced.read).toBe(plain.read);
  });

  it('a reply cancelled while its prompt is read ends with GENERATION_ABORTED before the rest of the prompt is read', async () => {
    const { promptLength, read } = await stoppedWhileReading(async (_, cancel) => cancel.abort(new Error('the job was cancelled')));
    // At most the slice read when the cancel came and the one already started after it.
    expect(read).toBeLessThanOrEqual(2 * PROMPT_SLICE_TOKENS);
    expect(read).toBeLessThan(promptLength);
  });

  it('a reply whose generator shuts down while its prompt is read ends with GENERATION_ABORTED before the rest of the prompt is read', async () => {
    const { promptLength, read } = await stoppedWhileReading((generator) => generator.dispose());
    expect(read).toBeLessThanOrEqual(2 * PROMPT_SLICE_TOKENS);
    expect(read).toBeLessThan(promptLength);
  });
});
