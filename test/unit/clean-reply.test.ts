import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

const options = { personaName: 'Joy', maxChars: 600 };

describe('cleanReply', () => {
  it('drops the persona name prefix the model likes to add', () => {
    expect(cleanReply('Joy: That is wonderful!', options)).toBe('That is wonderful!');
    expect(cleanReply('**Joy:** Yay!', options)).toBe('Yay!');
  });

  it('defuses @everyone, @here, role and user pings', () => {
    const cleaned = cleanReply('Hey @everyone and @here, <@&123> and <@456> look!', options);
    expect(cleaned).not.toMatch(/@everyone|@here|<@&?\d+>/);
  });

  it('cuts at the last full sentence within the limit', () => {
    const text = `${'This is a sentence. '.repeat(10)}And this one never ends because`;
    const cleaned = cleanReply(text, { personaName: 'Joy', maxChars: 120 });
    expect(cleaned.length).toBeLessThanOrEqual(120);
    expect(cleaned.endsWith('.')).toBe(true);
  });

  it('drops an unfinished last sentence when generation hit its token limit', () => {
    expect(cleanReply('I love that! You should totally', { ...options, truncated: true })).toBe('I love that!');
  });

  it('never exceeds 2,000 characters even when the persona allows more', () => {
    const cleaned = cleanReply('word '.repeat(1_000), { personaName: 'Joy', maxChars: 5_000 });
    expect(cleaned.length).toBeLessThanOrEqual(2_000);
  });

  it('removes chat-template tokens', () => {
    expect(cleanReply('Great news!<end_of_turn>', options)).toBe('Great news!');
  });

  it('drops control characters and broken bytes that would render as junk', () => {
    expect(cleanReply('Hi\u0003 there\u0000!\ufffd\nBye.', options)).toBe('Hi there!\nBye.');
  });
});
