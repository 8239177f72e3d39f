import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { fitPrompt, messageRoom, MIN_MESSAGE_TOKENS } from '../../src/domain/fit-prompt.js';
import { personas } from '../factories.js';

/** The quoted text of the newest message in the last turn, without its markers. */
function quotedText(prompt: ReturnType<typeof buildPrompt>): string {
  return /<<<Alice: ([\s\S]*?)>>>/.exec(prompt.turns.at(-1)!.text)![1]!;
}

function quote(content: string): string {
  return quotedText(buildPrompt({ persona: personas.joy, context: [], message: { authorName: 'Alice', content } }));
}

/** A letter or digit: two of them side by side are one word. */
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** "…" and an end of `content` that starts where a word of `content` starts, or on no word at all. */
function expectCutAtWordStart(quoted: string, content: string): void {
  expect(quoted.startsWith('…')).toBe(true);
  const kept = quoted.slice(1);
  expect(content.endsWith(kept)).toBe(true);
  const before = content[content.length - kept.length - 1]!;
  const insideWord = WORD_CHARACTER.test(before) && WORD_CHARACTER.test(kept[0]!);
  expect(insideWord, `"${before}" before "${kept.slice(0, 20)}…"`).toBe(false);
}

describe('a long message cut to fit the prompt starts on a whole word', () => {
  it('a message clipped to its last 1,500 characters never starts on half a word ("unhappy" quoted as "…happy")', () => {
    const kept = `happy with how things went today. ${'Really. '.repeat(200)}`.slice(0, 1_500);
    const opening = 'I had such a long day at work. '.repeat(90).slice(0, 4_000 - 1_500 - 'I am so un'.length);
    const content = `${opening}I am so un${kept}`;
    expect(content.length).toBe(4_000);
    const quoted = quote(content);
    expect(quoted).not.toMatch(/^…happy/);
    expectCutAtWordStart(quoted, content);
    expect(quoted).toMatch(/^… with how things went today\. Really\./);
  });

  it('a clip that falls between two words keeps the first of them', () => {
    const kept = `${'Really. '.repeat(187)}Done`;
    expect(kept.length).toBe(1_500);
    expect(quote(`${'and so on '.repeat(30)}${kept}`)).toBe(`…${kept}`);
  });

  it('a message cut to a token budget never starts on half a word, at any budget', () => {
    const content = `${'I had such a long day at work. '.repeat(40)}I am so unhappy with how things went today.`;
    const prompt = buildPrompt({ persona: personas.joy, context: [], message: { authorName: 'Alice', content } });
    const count = (text: string) => text.length; // one token a character, for an exact budget
    // Every room the newest message may get, from the least fitPrompt accepts to more than it needs.
    const markup = -messageRoom(prompt.system, 0, count);
    let cut = 0;
    for (let room = MIN_MESSAGE_TOKENS; room < content.length + 200; room++) {
      const budget = markup + room;
      const fitted = fitPrompt(prompt, budget, count);
      const quoted = quotedText(fitted);
      // Whole, or nothing of it: the markers and the instruction line take all of the least rooms.
      if (quoted === content || quoted === '…') continue;
      cut++;
      expect(quoted, `at a budget of ${budget}`).not.toMatch(/^…happy/);
      expectCutAtWordStart(quoted, content);
    }
    expect(cut).toBeGreaterThan(1_000);
  });

  it('text without spaces (Chinese, Japanese) is still clipped to about 1,500 characters, not emptied', () => {
    const content = '我今天在公司度过了漫长的一天，'.repeat(150);
    const quoted = quote(content);
    expect(content.endsWith(quoted.slice(1))).toBe(true);
    expect(quoted.length).toBeGreaterThan(1_490);
  });

  it('a cut inside a word too long to be one (a 1,600-character link) stays where it fell instead of dropping it all', () => {
    const content = `look at this https://example.com/${'a1b2'.repeat(400)} ok`;
    const quoted = quote(content);
    expect(quoted).toBe(`…${content.slice(-1_500)}`);
  });

  it('keeps some of the words it has room for: a room inside its last word does not leave the message empty', () => {
    const content = `${'I had such a long day at work. '.repeat(10)}Nooooooooooooooooooooooooooooooooooooooo`;
    const prompt = buildPrompt({ persona: personas.joy, context: [], message: { authorName: 'Alice', content } });
    const count = (text: string) => text.length; // one token a character, for an exact budget
    const markup = -messageRoom(prompt.system, 0, count);
    const emptied: number[] = [];
    for (let room = MIN_MESSAGE_TOKENS; room < 200; room++) {
      const quoted = quotedText(fitPrompt(prompt, markup + room, count));
      // Room for words of the message beyond its marker and ellipsis, yet none of it is quoted.
      const roomForText = room - count('<<<Alice: …>>>\nReply to the author of the last quoted message, as Joy.');
      if (quoted === '…' && roomForText >= 10) emptied.push(roomForText);
    }
    expect(emptied, 'rooms (characters of text) at which the newest message was quoted as "…" alone').toEqual([]);
  });
});
