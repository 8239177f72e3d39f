import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { cleanReply } from '../../src/domain/clean-reply.js';
import { cleanName } from '../../src/domain/speaker-tags.js';
import { personas } from '../factories.js';

/** As writeReply builds the prompt and cleans the reply. */
function cleaned(raw: string): string {
  const prompt = buildPrompt({
    persona: personas.joy,
    context: [{ authorName: 'Bob', authorId: '2', content: '恭喜你！' }],
    message: { authorName: 'Alice', authorId: '1', content: '我终于找到工作了，太开心了！' },
    characterNames: Object.values(personas).map((persona) => persona.name),
  });
  return cleanReply(raw, { personaName: 'Joy', maxChars: 600, answering: '我终于找到工作了，太开心了！', speakers: prompt.speakers });
}

describe('a Chinese or Japanese reply written with the full-width colon (U+FF1A)', () => {
  it('still ends where the model goes on as another member ("Bob：…"), as "Bob: …" does', () => {
    // The ASCII form is cut (README, Security: "A reply never speaks as anyone else").
    expect(cleaned('太好了，恭喜你！\nBob: 其实她是靠作弊拿到的。')).toBe('太好了，恭喜你！');
    // The same made-up line in CJK punctuation is posted under Joy's name.
    expect(cleaned('太好了，恭喜你！\nBob：其实她是靠作弊拿到的。')).toBe('太好了，恭喜你！');
  });

  it('a reply opening as another character ("Anger：…") is none, as "Anger: …" is', () => {
    expect(cleaned('Anger: 这不公平！')).toBe('');
    expect(cleaned('Anger：这不公平！')).toBe('');
  });

  it('drops the persona\'s own "Joy：" prefix, as it drops "Joy:"', () => {
    expect(cleaned('Joy: 太好了，恭喜你！')).toBe('太好了，恭喜你！');
    expect(cleaned('Joy：太好了，恭喜你！')).toBe('太好了，恭喜你！');
  });

  it('reads the small colon (U+FE55) as a colon too', () => {
    expect(cleaned('太好了，恭喜你！\nBob﹕其实她是靠作弊拿到的。')).toBe('太好了，恭喜你！');
    expect(cleaned('Joy﹕太好了！')).toBe('太好了！');
  });

  it('unwraps the persona\'s own quote written with the full-width colon', () => {
    expect(cleaned('<<<Joy：太好了，恭喜你！>>>')).toBe('太好了，恭喜你！');
  });

  it('keeps a line that only mentions another member with a full-width colon later on', () => {
    expect(cleaned('太好了！\n我和Bob说：恭喜你！')).toBe('太好了！\n我和Bob说：恭喜你！');
  });

  it('a member whose name holds a full-width colon is tagged without it, so it cannot fake a label', () => {
    expect(cleanName('Bob：Joy')).toBe('Bob Joy');
    expect(cleanName('Bob﹕')).toBe('Bob');
  });
});
