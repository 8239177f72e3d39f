import { describe, expect, it } from 'vitest';
import { fitPrompt } from '../../src/domain/fit-prompt.js';

/** One token per character, like a byte-level vocabulary at its worst. */
const chars = (text: string) => text.length;

describe('fitPrompt', () => {
  const prompt = {
    system: 'S'.repeat(100),
    turns: [
      { role: 'user' as const, text: 'old question '.repeat(20) },
      { role: 'assistant' as const, text: 'old answer '.repeat(20) },
      { role: 'user' as const, text: 'the newest message' },
    ],
  };

  it('leaves a prompt that fits alone', () => {
    expect(fitPrompt(prompt, 10_000, chars)).toEqual(prompt);
  });

  it('drops the oldest turns first, and never starts on an assistant turn', () => {
    const fitted = fitPrompt(prompt, 250, chars);
    expect(fitted.system).toBe(prompt.system);
    expect(fitted.turns).toEqual([prompt.turns[2]]);
  });

  it('cuts the start of a single huge message, keeping its end', () => {
    const huge = { system: 'rules', turns: [{ role: 'user' as const, text: `${'blah '.repeat(1_000)}please help me` }] };
    const fitted = fitPrompt(huge, 100, chars);
    const text = fitted.turns[0]!.text;
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text.endsWith('please help me')).toBe(true);
    expect(text.startsWith('…')).toBe(true);
  });
});
