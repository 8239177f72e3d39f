import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NORMALIZER_VERSION, normalizeChatText } from '../../src/domain/normalize-chat-text.js';

interface FixtureCase {
  readonly input: string;
  readonly expected: string;
}

// Written by training/make_normalizer_fixture.py from the Python normaliser the model was trained with.
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/normalize-chat-text.json', import.meta.url), 'utf8'),
) as { normalizer: string; cases: FixtureCase[] };

describe('normalizeChatText', () => {
  it('is the same normaliser version the fixture was written with', () => {
    expect(NORMALIZER_VERSION).toBe(fixture.normalizer);
  });

  it.each(fixture.cases.map((c) => [c.input, c.expected] as const))(
    'turns %j into what the training-side Python normaliser gives',
    (input, expected) => {
      expect(normalizeChatText(input)).toBe(expected);
    },
  );

  it('leaves dair-ai style text unchanged', () => {
    expect(normalizeChatText('i feel like i am still looking at a blank canvas')).toBe(
      'i feel like i am still looking at a blank canvas',
    );
  });

  it('is idempotent', () => {
    for (const { expected } of fixture.cases) expect(normalizeChatText(expected)).toBe(expected);
  });
});
