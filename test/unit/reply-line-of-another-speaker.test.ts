import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { cleanReply } from '../../src/domain/clean-reply.js';
import type { ConversationMessage } from '../../src/domain/conversation.js';
import { personas } from '../factories.js';

/** Joy's reply to Bob, cleaned as writeReply cleans it, with the speakers of the prompt it answered. */
function joyPosts(raw: string, { context = [], truncated = false }: { context?: ConversationMessage[]; truncated?: boolean } = {}): string {
  const message = { authorName: 'Bob', authorId: '1', content: 'I passed my exam!' };
  const prompt = buildPrompt({ persona: personas.joy, context, message, characterNames: Object.values(personas).map((p) => p.name) });
  return cleanReply(raw, { personaName: 'Joy', maxChars: 600, truncated, speakers: prompt.speakers });
}

describe("cleanReply, a line the model writes as another of the prompt's speakers without the quote markers", () => {
  it("a line the model goes on to write as the member (\"Bob: …\") is not posted under the persona's name", () => {
    expect(joyPosts('Congrats on the exam!\nBob: Thanks Joy, you are the best!')).toBe('Congrats on the exam!');
  });

  it('is cut however the model spells or dresses the name, as speaker tags read names', () => {
    for (const line of ['BOB: thanks', 'B.o.b: thanks', '**Bob:** thanks', '> Bob: thanks', 'Ｂｏｂ : thanks', 'Bоb: thanks']) {
      expect(joyPosts(`Congrats on the exam!\n${line}`)).toBe('Congrats on the exam!');
    }
  });

  it("is cut under any tag the prompt used: another member's, a member's suffixed tag, a character's name or tag", () => {
    const context = [
      { authorName: 'Carol', authorId: '2', content: 'what exam?' },
      { authorName: 'Bob', authorId: '3', content: 'not me, the other Bob' },
    ];
    expect(joyPosts('So proud of you!\nCarol: me too', { context })).toBe('So proud of you!');
    expect(joyPosts('So proud of you!\nBob (member 2): me too', { context })).toBe('So proud of you!');
    expect(joyPosts('So proud of you!\nSadness: but exams end', { context })).toBe('So proud of you!');
    expect(joyPosts('So proud of you!\nFear (character): what about the next one?', { context })).toBe('So proud of you!');
  });

  it('a reply that opens as another speaker, past the persona\'s own name, is no reply at all', () => {
    expect(joyPosts('Bob: Ok.')).toBe('');
    expect(joyPosts('Anger: No.')).toBe('');
    expect(joyPosts('Anger (character): No.')).toBe('');
    expect(joyPosts('Joy: Anger: Hello there.')).toBe('');
    expect(joyPosts('Joy (character): Joy: **Anger:** Hello there.')).toBe('');
  });

  it("the persona's own name, spelled as speaker tags read names, is dropped as a prefix rather than emptying the reply", () => {
    expect(joyPosts('J.o.y: So proud of you!')).toBe('So proud of you!');
    expect(joyPosts('Jоy (character): So proud of you!')).toBe('So proud of you!');
  });

  it("the persona's words before the cut are whole: the token limit stopped the made-up line, not them", () => {
    expect(joyPosts('So proud of you\nBob: thanks Joy, you are the b', { truncated: true })).toBe('So proud of you');
  });

  it('a label no speaker of the prompt goes by stays: notes, steps, times, a list of what members bring, a name inside a line', () => {
    const reply = 'Note: breathe first.\nPS: you earned it!\nStep 1: celebrate.\nMeet at\n5:30 tonight?\n- Bob: cake\nI told Bob: well done!';
    expect(joyPosts(reply)).toBe(reply);
  });

  it('"Note:" is a speaker\'s line where a member of the prompt is named Note', () => {
    const context = [{ authorName: 'Note', authorId: '2', content: 'congrats Bob' }];
    expect(joyPosts('So proud of you!\nNote: yes!', { context })).toBe('So proud of you!');
  });
});
