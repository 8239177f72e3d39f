import { expect, it } from 'vitest';
import { speakerStopTriggers } from '../../src/adapters/llama/chat-response.js';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import type { ConversationMessage } from '../../src/domain/conversation.js';
import type { Emotion } from '../../src/domain/emotions.js';
import { personas } from '../factories.js';

// A server whose look renames the personas lists both the operator's names and tags and the ones
// its persona messages were posted under: members who spoke still get their stop triggers.
const characterNames = Object.values(personas).map((persona) => persona.name);
const looks: Array<[Emotion, string]> = [['sadness', 'Blue'], ['anger', 'Grumpy'], ['fear', 'Jitters'], ['love', 'Hearts'], ['surprise', 'Wow']];

it('a member who spoke just before still stops generation where the personas post under a server look', () => {
  const personaMessages: ConversationMessage[] = looks
    .filter(([key]) => key in personas)
    .map(([key, name]) => ({ authorName: name, persona: name, personaKey: key, content: `${name} here.` }));
  const prompt = buildPrompt({
    persona: personas.joy,
    context: [...personaMessages, { authorName: 'Carol', authorId: '2', content: 'lol what is going on' }],
    message: { authorName: 'Bob', authorId: '1', content: 'Joy, tell them I passed my exam!' },
    characterNames,
    postsAs: 'Sunny',
  });
  const triggers = speakerStopTriggers(prompt.speakers ?? []);

  expect(prompt.speakers).toContain('Carol');
  expect(triggers).toContain('\nBob:');
  expect(triggers).toContain('\nCarol:');
  expect(triggers).toContain('\nBlue (character):');
});
