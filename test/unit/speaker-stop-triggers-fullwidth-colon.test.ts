import { describe, expect, it } from 'vitest';
import { responseOptions } from '../../src/adapters/llama/chat-response.js';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { personas } from '../factories.js';

const sampling = { temperature: 0, topP: 1, repeatPenalty: 1, maxTokens: 64 };
const characterNames = Object.values(personas).map((persona) => persona.name);

describe("a reply's generation stops where the model opens another speaker's line with the full-width colon of CJK text", () => {
  it("stops at '\\nBob：' and '\\nAnger (character)：' as at their ASCII forms, never at the persona's own", () => {
    const prompt = buildPrompt({
      persona: personas.joy,
      context: [{ authorName: 'Carol', authorId: '2', content: '什么考试？' }],
      message: { authorName: 'Bob', authorId: '1', content: '我考过了！' },
      characterNames,
    });
    const triggers = [...(responseOptions(sampling, new AbortController().signal, () => {}, prompt.speakers).customStopTriggers ?? [])];
    expect(triggers).toEqual(expect.arrayContaining(['\nBob：', '\nCarol：', '\nAnger：', '\nAnger (character)：', '\nBob:', '\nAnger (character):']));
    for (const own of ['\nJoy：', '\nJoy (character)：']) expect(triggers).not.toContain(own);
  });
});
