import { describe, expect, it } from 'vitest';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { EMOTIONS, type Emotion } from '../../src/domain/emotions.js';
import { answeredMention } from '../support/answered-mention.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * README, Security: "another persona's earlier reply is quoted as that character's (`Anger (character)`),
 * in Discord and in `feelbot chat`, never as the answering persona's own words". The worker's note of
 * which persona posted a reply lives 90 days (or is lost with Redis' data); the reply itself still
 * shows, under Anger's name, in the channel.
 */
describe("an earlier persona reply whose note has expired (a quiet channel, 90 days on, or a Redis flush)", () => {
  const e2e = useFeelbotStack({ worker: {}, gateway: {} });
  const answer = (content: string) => answeredMention(e2e.stack, e2e.worker, content);

  const only = (emotion: Emotion) =>
    e2e.settings.update(e2e.stack.discord.world.guild.id, (current) => ({ ...current, disabledPersonas: EMOTIONS.filter((e) => e !== emotion) }));

  it("is quoted as the character it was posted under: Anger's words are never put in Joy's mouth, and Joy's own stay Joy's", async () => {
    await only('anger');
    const angry = await answer('they cancelled my flight again, I am furious');
    expect(angry.persona).toBe('anger');
    expect(angry.postedAs).toBe('Anger');
    // The note expires after 90 days (REPLY_PERSONA_TTL_SECONDS); Anger's post stays in the channel.
    await e2e.stack.redisConnection().del(feelbotKey(e2e.stack.prefix, 'reply-persona', angry.replyId));

    await only('joy');
    const joyful = await answer('I am so happy today, everything went right!');
    expect(joyful.persona).toBe('joy');
    expect(joyful.prompt.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.text)).not.toContain(angry.reply);
    expect(joyful.prompt.turns.map((turn) => turn.text).join('\n')).toContain(`<<<Anger (character): ${angry.reply}>>>`);

    // Joy's own reply, its note lost too, is posted under Joy's name: still Joy's own turn.
    await e2e.stack.redisConnection().del(feelbotKey(e2e.stack.prefix, 'reply-persona', joyful.replyId));
    const again = await answer('and tomorrow is my birthday, I am so happy!');
    expect(again.persona).toBe('joy');
    expect(again.prompt.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.text)).toContain(joyful.reply);
    expect(again.prompt.turns.map((turn) => turn.text).join('\n')).toContain(`<<<Anger (character): ${angry.reply}>>>`);
  }, 150_000);
});
