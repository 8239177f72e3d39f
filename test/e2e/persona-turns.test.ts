import { describe, expect, it } from 'vitest';
import { answeredMention } from '../support/answered-mention.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * Whose words a persona's earlier replies are, on a real gateway and worker against the fake
 * Discord: the worker notes each reply's persona, and the gateway puts it in the next job.
 */
describe("a persona's prompt tells its own earlier replies from the other characters'", () => {
  const e2e = useFeelbotStack({
    // The server shows Joy as "Sunny": Joy's replies posted under that name are still Joy's own.
    seed: (stack) => stack.settingsStore().update(stack.discord.world.guild.id, (current) => ({ ...current, personaLooks: { joy: { name: 'Sunny' } } })),
    worker: {},
    gateway: {},
  });
  const answer = (content: string) => answeredMention(e2e.stack, e2e.worker, content);

  it("another persona's reply is quoted as that character's; the persona's own, under the server's name for it, stays its own turn", async () => {
    const sad = await answer('my exam went so badly, I feel awful');
    expect(sad.persona).toBe('sadness');
    const first = await answer('I am so happy, I passed my driving test!');
    expect(first.persona).toBe('joy');
    expect(first.prompt.turns.filter((turn) => turn.role === 'assistant')).toEqual([]);
    expect(first.prompt.turns.map((turn) => turn.text).join('\n')).toContain(`<<<Sadness (character): ${sad.reply}>>>`);

    const second = await answer('I am so happy today, everything went right');
    expect(second.persona).toBe('joy');
    expect(second.prompt.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.text)).toEqual([first.reply]);
    expect(second.prompt.turns.map((turn) => turn.text).join('\n')).toContain(`<<<Sadness (character): ${sad.reply}>>>`);
  }, 150_000);
});
