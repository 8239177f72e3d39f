import { describe, expect, it } from 'vitest';
import { OPENING_TURN } from '../../src/domain/alternating-turns.js';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import type { ConversationMessage } from '../../src/domain/conversation.js';
import { fitPrompt } from '../../src/domain/fit-prompt.js';
import type { Prompt } from '../../src/domain/prompt.js';
import { personas, snowflake } from '../factories.js';

/** One token per character. */
const chars = (text: string) => text.length;
/** The markup fitPrompt guesses around each part when no renderer is given. */
const TURN_MARKUP = 8;
const cost = (prompt: Prompt) => prompt.turns.reduce((sum, turn) => sum + chars(turn.text) + TURN_MARKUP, chars(prompt.system) + TURN_MARKUP);
const allText = (prompt: Prompt) => prompt.turns.map((turn) => turn.text).join('\n');

const annLong = `${'long story about my week '.repeat(50)}the end`;
const benNews = '<<<Ben: I got the promotion today!>>>';
const catCheers = '<<<Cat: No way, congrats Ben!>>>';
const joyAnswer = 'Ben, that is AMAZING news!';

/** Three members, then Joy's reply to them, then Ben's newest message. */
const promotionChat = (opening: readonly ConversationMessage[] = []) =>
  buildPrompt({
    persona: personas.joy,
    context: [
      ...opening,
      { authorName: 'Ann', authorId: '1', content: annLong },
      { authorName: 'Ben', authorId: '2', content: 'I got the promotion today!' },
      { authorName: 'Cat', authorId: '3', content: 'No way, congrats Ben!' },
      { authorName: 'Joy', persona: 'Joy', personaKey: 'joy', content: joyAnswer },
    ],
    message: { authorName: 'Ben', authorId: '2', content: 'Thanks Joy, what should I celebrate with?' },
    characterNames: Object.values(personas).map((persona) => persona.name),
  });

describe('a prompt too long for the context drops the oldest message first, not every member message before a persona reply', () => {
  it('keeps the newer member messages before a persona reply when dropping only the oldest one makes the prompt fit', () => {
    const prompt = promotionChat();
    const annQuote = prompt.turns[0]!.text.split('\n')[0]!;
    expect(annQuote.startsWith('<<<Ann:')).toBe(true);
    // Room for everything but Ann's long message.
    const budget = cost(prompt) - chars(`${annQuote}\n`);

    const fitted = fitPrompt(prompt, budget, chars);

    expect(cost(fitted)).toBeLessThanOrEqual(budget);
    expect(allText(fitted)).not.toContain('<<<Ann:');
    expect(fitted.turns.map((turn) => turn.role)).toEqual(['user', 'assistant', 'user']);
    expect(fitted.turns[0]!.text).toBe(`${benNews}\n${catCheers}`);
    expect(fitted.turns[1]!.text).toBe(joyAnswer);
    expect(fitted.system).toBe(prompt.system);
    expect(fitted.turns[2]).toEqual(prompt.turns[2]);
  });

  it('drops the next oldest message, then the last of the turn, one at a time as the room shrinks', () => {
    const prompt = promotionChat();
    const [annQuote, benQuote] = prompt.turns[0]!.text.split('\n');
    const withoutAnnAndBen = cost(prompt) - chars(`${annQuote}\n`) - chars(`${benQuote}\n`);

    const onlyCat = fitPrompt(prompt, withoutAnnAndBen, chars);
    expect(onlyCat.turns.map((turn) => turn.text)).toEqual([catCheers, joyAnswer, prompt.turns[2]!.text]);

    // One token less: Cat's message goes too, and Joy's reply, now first, is opened by a turn of ours if it fits.
    const fewer = fitPrompt(prompt, withoutAnnAndBen - 1, chars);
    expect(cost(fewer)).toBeLessThanOrEqual(withoutAnnAndBen - 1);
    expect(allText(fewer)).not.toContain(catCheers);
    expect(fewer.turns.at(-1)).toEqual(prompt.turns[2]);
    expect(fewer.turns[0]!.role).toBe('user');
  });

  it("keeps Joy's earlier reply opened by a user turn of ours and trims the members' turn after it message by message", () => {
    const earlier = 'Welcome back, everyone!';
    const prompt = promotionChat([{ authorName: 'Joy', persona: 'Joy', personaKey: 'joy', content: earlier }]);
    expect(prompt.turns[0]).toEqual(OPENING_TURN);
    const annQuote = prompt.turns[2]!.text.split('\n')[0]!;
    // Room for everything but Joy's first reply (and the opening turn it needs) and Ann's message.
    const budget = cost(prompt) - (chars(OPENING_TURN.text) + TURN_MARKUP) - (chars(earlier) + TURN_MARKUP) - chars(`${annQuote}\n`);

    const fitted = fitPrompt(prompt, budget, chars);

    expect(cost(fitted)).toBeLessThanOrEqual(budget);
    expect(fitted.turns.map((turn) => turn.text)).toEqual([`${benNews}\n${catCheers}`, joyAnswer, prompt.turns.at(-1)!.text]);
  });

  it('still drops older messages around a member message replied to, keeping it, before the newest words are cut', () => {
    const prompt = buildPrompt({
      persona: personas.joy,
      context: [
        { messageId: snowflake(), authorName: 'Ann', authorId: '1', content: annLong },
        { messageId: snowflake(), authorName: 'Ben', authorId: '2', content: 'I got the promotion today!', repliedTo: true },
        { messageId: snowflake(), authorName: 'Cat', authorId: '3', content: 'No way, congrats Ben!' },
        { messageId: snowflake(), authorName: 'Joy', persona: 'Joy', personaKey: 'joy', content: joyAnswer },
      ],
      message: { authorName: 'Dee', authorId: '4', content: 'wait, which promotion?' },
    });
    const annQuote = prompt.turns[0]!.text.split('\n')[0]!;
    const fitted = fitPrompt(prompt, cost(prompt) - chars(`${annQuote}\n`), chars);
    expect(allText(fitted)).not.toContain('<<<Ann:');
    expect(allText(fitted)).toContain(benNews);
    expect(allText(fitted)).toContain(catCheers);
    expect(fitted.turns.at(-1)).toEqual(prompt.turns.at(-1));
  });
});
