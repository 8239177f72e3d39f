import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';
import { DISCORD_MESSAGE_LIMIT } from '../../src/domain/persona.js';
import { characterCount } from '../../src/domain/message-limits.js';

describe("a reply's length limit counts characters as Discord does (README: code points, an emoji is one)", () => {
  it('a Joy reply of 588 characters with emoji, within its 600, is posted whole', () => {
    const sentence = 'Yay, congrats on the job 🎉🥳🎊💖! ';
    const reply = sentence.repeat(19).trim();
    expect(characterCount(reply)).toBeLessThanOrEqual(600);
    expect(reply.length).toBeGreaterThan(600); // UTF-16 units: each emoji takes two
    expect(cleanReply(reply, { personaName: 'Joy', maxChars: 600 })).toBe(reply);
  });

  it("a reply within Discord's 2,000 characters is not cut to about half of them because it is emoji", () => {
    const reply = `${'🎉'.repeat(1_500)} Congrats!`;
    expect(characterCount(reply)).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMIT);
    expect(cleanReply(reply, { personaName: 'Joy', maxChars: DISCORD_MESSAGE_LIMIT })).toBe(reply);
  });

  it("a reply past Discord's 2,000 characters is cut to at most 2,000 as Discord counts them, no emoji split", () => {
    const reply = 'So happy for you 🎉! '.repeat(200).trim();
    const cut = cleanReply(reply, { personaName: 'Joy', maxChars: 5_000 });
    expect(characterCount(cut)).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMIT);
    expect(characterCount(cut)).toBeGreaterThan(DISCORD_MESSAGE_LIMIT / 2);
    expect(cut.endsWith('🎉!')).toBe(true);
  });

  it('a reply of emoji with no sentence end is cut within the limit in characters, with "…", no half emoji', () => {
    const reply = '🎉'.repeat(700);
    const cut = cleanReply(reply, { personaName: 'Joy', maxChars: 600 });
    expect(characterCount(cut)).toBe(600);
    expect(cut).toBe(`${'🎉'.repeat(599)}…`);
  });

  it('a cut at a word counts the limit in characters', () => {
    const reply = '🎉🎉 '.repeat(300).trim();
    const cut = cleanReply(reply, { personaName: 'Joy', maxChars: 600 });
    expect(characterCount(cut)).toBeLessThanOrEqual(600);
    expect(characterCount(cut)).toBeGreaterThan(590);
    expect(cut.endsWith('🎉🎉…')).toBe(true);
  });
});
