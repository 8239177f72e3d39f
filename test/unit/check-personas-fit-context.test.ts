import { describe, expect, it } from 'vitest';
import { checkPersonasFitContext } from '../../src/domain/check-personas-fit-context.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
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
});
