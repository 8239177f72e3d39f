import { describe, expect, it } from 'vitest';
import { NewestCharsClassifier } from '../../src/classifier/newest-chars-classifier.js';
import { MAX_MESSAGE_CHARS } from '../../src/domain/message-limits.js';
import { buildAnalysis } from '../factories.js';

/** The classifier under the cut, recording what it was given to read. */
function reading() {
  const read: string[] = [];
  const classifier = new NewestCharsClassifier({ classify: async (texts) => (read.push(...texts), texts.map(() => buildAnalysis())), dispose: async () => undefined });
  return { classifier, read };
}

describe('NewestCharsClassifier', () => {
  it('passes a text of up to 4,000 characters as it is, and the last 4,000 of a longer one', async () => {
    const { classifier, read } = reading();
    const atLimit = 'a'.repeat(MAX_MESSAGE_CHARS);
    await classifier.classify([atLimit, `old ${atLimit}`]);
    expect(read).toEqual([atLimit, atLimit]);
  });

  it('counts characters as Discord does: 4,000 emoji (8,000 UTF-16 units) are read whole, 4,001 from the second', async () => {
    const { classifier, read } = reading();
    const emoji = '\u{1F600}'.repeat(MAX_MESSAGE_CHARS);
    await classifier.classify([emoji, `x${emoji}`]);
    expect(read).toEqual([emoji, emoji]);
  });

  it('never starts what it reads with part of an emoji: half a surrogate pair, or the tail of a joined family', async () => {
    const { classifier, read } = reading();
    const family = '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}'; // 8 units
    await classifier.classify([`${'\u{1F600}'.repeat(MAX_MESSAGE_CHARS)}!`, `${family}${'b'.repeat(MAX_MESSAGE_CHARS - 3)}`]);
    expect(read[0]).toBe(`${'\u{1F600}'.repeat(MAX_MESSAGE_CHARS - 1)}!`);
    expect(read[1]).toBe('b'.repeat(MAX_MESSAGE_CHARS - 3));
  });

  it('never starts what it reads with half a word: a burst whose last 4,000 characters start inside "unhappy" is not read from "happy"', async () => {
    const { classifier, read } = reading();
    const newest = `happy with how things went today. ${'Really. '.repeat(600)}`.slice(0, MAX_MESSAGE_CHARS);
    const burst = `${'I had such a long day at work. '.repeat(150)}I am so un${newest}`;
    await classifier.classify([burst]);
    expect(read[0]).toBe(newest.slice('happy'.length));
  });
});
