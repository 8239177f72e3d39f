import { describe, expect, it } from 'vitest';
import { responseOptions } from '../../src/adapters/llama/chat-response.js';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { personas } from '../factories.js';

const sampling = { temperature: 0, topP: 1, repeatPenalty: 1, maxTokens: 64 };
const characterNames = Object.values(personas).map((persona) => persona.name);

function stopTriggersFor(prompt: ReturnType<typeof buildPrompt>): unknown[] {
  return [...(responseOptions(sampling, new AbortController().signal, () => {}, prompt.speakers).customStopTriggers ?? [])];
}

describe("a reply's generation stops where the model opens a line as another of the prompt's speakers", () => {
  it("stops at a line opened by the author's tag, a character's name or tag, another member's tag, and still at the quote markers", () => {
    const prompt = buildPrompt({
      persona: personas.joy,
      context: [{ authorName: 'Carol', authorId: '2', content: 'what exam?' }],
      message: { authorName: 'Bob', authorId: '1', content: 'I passed my exam!' },
      characterNames,
    });
    expect(stopTriggersFor(prompt)).toEqual(expect.arrayContaining(['\nBob:', '\nCarol:', '\nAnger:', '\nAnger (character):', '\n<<<', '>>>']));
  });

  it('keeps the triggers bounded in a crowded conversation, the author and the characters first', () => {
    const context = Array.from({ length: 60 }, (_, n) => ({ authorName: `Member ${n}`, authorId: String(100 + n), content: 'hi' }));
    const prompt = buildPrompt({ persona: personas.joy, context, message: { authorName: 'Bob', authorId: '1', content: 'I passed my exam!' }, characterNames });
    const triggers = stopTriggersFor(prompt);
    // The quote markers' 3, at most 40 speakers' with a colon and 20 of them with a full-width one.
    expect(triggers.length).toBeLessThanOrEqual(3 + 40 + 20);
    expect(triggers).toEqual(expect.arrayContaining(['\nBob:', '\nSadness (character):', '\nMember 59:']));
    expect(triggers).not.toContain('\nMember 0:');
  });

  it("never stops at a line opened by the persona's own names: its name, the name it posts under here, their character tags", () => {
    const prompt = buildPrompt({
      persona: personas.joy,
      context: [
        { authorName: 'Carol', authorId: '2', content: 'Sunny, guess what' },
        { authorName: 'Sunny', content: 'What is it?', persona: 'Sunny', personaKey: 'joy' },
      ],
      message: { authorName: 'Bob', authorId: '1', content: 'I passed my exam!' },
      characterNames,
      postsAs: 'Sunny',
    });
    const triggers = stopTriggersFor(prompt);
    for (const own of ['\nJoy:', '\nJoy (character):', '\nSunny:', '\nSunny (character):']) expect(triggers).not.toContain(own);
    expect(triggers).toEqual(expect.arrayContaining(['\nBob:', '\nCarol:', '\nAnger:', '\nAnger (character):']));
  });

  it("stops at another character's name where this server's look has the persona post under it too", () => {
    // Joy posts as "Anger" here; the real Anger persona's reply is quoted as "Anger (character)".
    const prompt = buildPrompt({
      persona: personas.joy,
      context: [{ authorName: 'Anger', authorId: '9', content: 'exams are a scam', persona: 'Anger', personaKey: 'anger' }],
      message: { authorName: 'Bob', authorId: '1', content: 'I passed my exam!' },
      characterNames,
      postsAs: 'Anger',
    });
    const triggers = stopTriggersFor(prompt);
    expect(triggers).toEqual(expect.arrayContaining(['\nAnger:', '\nAnger (character):']));
    for (const own of ['\nJoy:', '\nJoy (character):']) expect(triggers).not.toContain(own);
  });
});
