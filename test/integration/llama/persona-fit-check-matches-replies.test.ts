import { resolveChatWrapper } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChatHistory } from '../../../src/adapters/llama/chat-history.js';
import { promptTokens } from '../../../src/adapters/llama/grammar-completion.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { buildPrompt } from '../../../src/domain/build-prompt.js';
import type { ConversationMessage } from '../../../src/domain/conversation.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import { fitPrompt } from '../../../src/domain/fit-prompt.js';
import type { Persona, PersonaSet } from '../../../src/domain/persona.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { checkPersonasFitEngines } from '../../../src/worker/check-personas-fit-engines.js';
import { createEngines, type Engines } from '../../../src/worker/create-engines.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { ensureLlamaFixtures } from './fixtures.js';

/** Reply tokens long enough that Joy, not another default persona, sets the smallest context the check accepts. */
const JOY_MAX_TOKENS = 600;
/** llama.cpp rounds a context up to a multiple of this: at a multiple, the reply gets no more room than the check granted. */
const CONTEXT_PADDING = 256;
const PROBES = 300;

const WORDS = ['hello', 'what', 'tea', 'ok', '<<<', '>>>', 'é', '😀', 'the', 'a', '\n', 'x'.repeat(30)];

/** A seeded generator, so a failing probe can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

function words(next: () => number, min: number, spread: number): string {
  return Array.from({ length: min + Math.floor(next() * spread) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
}

/** A message of 200 to 900 random words, after up to six earlier ones, Joy's own among them. */
function probe(seed: number): { context: ConversationMessage[]; message: ConversationMessage } {
  const next = random(seed);
  const context = Array.from({ length: Math.floor(next() * 7) }, (_, i): ConversationMessage => {
    const own = next() < 0.5;
    return own
      ? { authorName: 'Joy', content: words(next, 5, 200), persona: 'Joy', personaKey: 'joy' }
      : { authorName: `Member ${i}`, authorId: `${1_000 + i}`, content: words(next, 5, 200) };
  });
  return { context, message: { authorName: 'Alice', authorId: '1', content: words(next, 200, 700) } };
}

function withMaxTokens(persona: Persona, maxTokens: number): Persona {
  return { ...persona, sampling: { ...persona.sampling, maxTokens } };
}

describe.each([
  ["Gemma (the default LLM_MODEL's template)", 'gemmaModel'],
  ['ChatML', 'model'],
] as const)('the start-up check and the replies, on a %s model (real llama.cpp)', (_name, fixture) => {
  let config: Config;
  let engines: Engines;

  beforeAll(async () => {
    config = loadConfig({ LLM_MODEL: ensureLlamaFixtures()[fixture], LLM_GPU: 'cpu', LLM_SEQUENCES: '1', EMOTION_BACKEND: 'llm' });
    engines = await createEngines(config, capturedLogger().logger, NO_METRICS);
  });
  afterAll(async () => {
    await engines?.dispose();
  });

  /** What checkPersonasFitEngines says of `personas` at LLM_CONTEXT_SIZE=`contextSize`: 'accepted' or its error. */
  function check(personas: PersonaSet, contextSize: number): Promise<unknown> {
    // The same loaded model at another context size; kept loaded when the check fails.
    const sized: Engines = { ...engines, contextSize, dispose: async () => {} };
    return checkPersonasFitEngines(personas, { ...config, llm: { ...config.llm, contextSize } }, sized).then(
      () => 'accepted',
      (error: unknown) => error,
    );
  }

  async function smallestAccepted(personas: PersonaSet): Promise<number> {
    let low = CONTEXT_PADDING;
    let high = config.llm.contextSize;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await check(personas, middle)) === 'accepted') high = middle;
      else low = middle + 1;
    }
    return low;
  }

  it('at the smallest LLM_CONTEXT_SIZE the check accepts, every message fits beside the reply and gets one', async () => {
    const first = await smallestAccepted({ ...DEFAULT_PERSONAS, joy: withMaxTokens(DEFAULT_PERSONAS.joy, JOY_MAX_TOKENS) });
    // Raising maxTokens raises the smallest size by as much: it lands on a multiple llama.cpp does not pad.
    const joy = withMaxTokens(DEFAULT_PERSONAS.joy, JOY_MAX_TOKENS + Math.ceil(first / CONTEXT_PADDING) * CONTEXT_PADDING - first);
    const personas = { ...DEFAULT_PERSONAS, joy };
    const contextSize = await smallestAccepted(personas);
    expect(contextSize % CONTEXT_PADDING).toBe(0);
    expect(await check(personas, contextSize - 1)).toMatchObject({ message: expect.stringMatching(/^Persona joy /) });

    // What the generator does with each message before it generates.
    const { model } = engines.runtime;
    const chatWrapper = resolveChatWrapper(model);
    const promptOf = (seed: number) => buildPrompt({ persona: joy, ...probe(seed) });
    const refused: string[] = [];
    for (let seed = 1; seed <= PROBES; seed++) {
      try {
        fitPrompt(promptOf(seed), contextSize - joy.sampling.maxTokens, (text) => model.tokenize(text).length, (fitted) => promptTokens(model, chatWrapper, toChatHistory(fitted)));
      } catch (error) {
        refused.push(`seed ${seed}: ${(error as Error).message}`);
      }
    }
    expect(refused.slice(0, 3), `${refused.length} of ${PROBES} messages refused`).toEqual([]);

    const generator = await createLlamaReplyGenerator(model, { sequences: 1, contextSize });
    try {
      for (const seed of [1, 2]) {
        const result = await generator.generate({ prompt: promptOf(seed), sampling: { ...joy.sampling, temperature: 0 } });
        expect(result.tokens).toBeGreaterThan(0);
      }
    } finally {
      await generator.dispose();
    }
  }, 300_000);
});
