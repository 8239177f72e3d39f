import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { checkPersonasFitContext } from '../../src/domain/check-personas-fit-context.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import type { Prompt } from '../../src/domain/prompt.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';

/** One token per character, like a byte-level vocabulary at its worst. */
const chars = (text: string) => text.length;

describe('checkPersonasFitContext', () => {
  it('accepts the default personas in a 4,096-token context', () => {
    expect(() => checkPersonasFitContext(DEFAULT_PERSONAS, 4_096, chars)).not.toThrow();
  });

  it('when a persona system prompt and maxTokens nearly fill the context, names the persona and the numbers', () => {
    const anger = { ...DEFAULT_PERSONAS.anger, systemPrompt: 'R'.repeat(3_800), sampling: { ...DEFAULT_PERSONAS.anger.sampling, maxTokens: 1_024 } };
    let thrown: unknown;
    try {
      checkPersonasFitContext({ ...DEFAULT_PERSONAS, anger }, 4_096, chars);
    } catch (error) {
      thrown = error;
    }
    expect(isFeelbotError(thrown, ErrorCodes.ConfigInvalid)).toBe(true);
    const message = (thrown as Error).message;
    expect(message).toContain('Persona anger');
    expect(message).toContain('LLM_CONTEXT_SIZE=4096');
    expect(message).toContain('maxTokens 1024');
    expect(message).toContain('at least 64');
  });

  describe("with the prompt counted as the model's chat template renders it", () => {
    /** Anger's reply prompt nearly fills the context: 100 tokens of room when the template adds the guessed 16. */
    const anger = { ...DEFAULT_PERSONAS.anger, systemPrompt: 'R'.repeat(3_000), sampling: { ...DEFAULT_PERSONAS.anger.sampling, maxTokens: 500 } };
    const personas = { ...DEFAULT_PERSONAS, anger };
    const system = buildPrompt({ persona: anger, context: [], message: { authorName: '', content: '' } }).system;
    const contextSize = system.length + 500 + 16 + 100;
    /** A template that adds `markup` tokens to the texts of any prompt. */
    const rendered = (markup: number) => (prompt: Prompt) => prompt.turns.reduce((sum, turn) => sum + chars(turn.text), chars(prompt.system)) + markup;

    it('refuses a context the guess would accept when the template takes more than guessed, naming the markup', () => {
      expect(() => checkPersonasFitContext(personas, contextSize, chars)).not.toThrow();
      expect(() => checkPersonasFitContext(personas, contextSize, chars, rendered(16 + 36))).not.toThrow();
      let thrown: unknown;
      try {
        checkPersonasFitContext(personas, contextSize, chars, rendered(16 + 37));
      } catch (error) {
        thrown = error;
      }
      expect(isFeelbotError(thrown, ErrorCodes.ConfigInvalid)).toBe(true);
      expect((thrown as Error).message).toMatch(/^Persona anger .*the chat template's markup 53 .*leaving 63 tokens for the message/);
    });

    it('still pays the guess where the template takes less, as a first fit does', () => {
      const tight = contextSize - 100 + 63;
      expect(() => checkPersonasFitContext(personas, tight, chars, rendered(2))).toThrow(/leaving 63 tokens/);
      expect(() => checkPersonasFitContext(personas, tight + 1, chars, rendered(2))).not.toThrow();
    });
  });
});
