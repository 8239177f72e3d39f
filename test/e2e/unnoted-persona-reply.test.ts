import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { EMOTIONS, type Emotion } from '../../src/domain/emotions.js';
import type { Prompt } from '../../src/domain/prompt.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

/**
 * README, Security: "another persona's earlier reply is quoted as that character's (`Anger (character)`),
 * in Discord and in `feelbot chat`, never as the answering persona's own words". The worker's note of
 * which persona posted a reply lives 90 days (or is lost with Redis' data); the reply itself still
 * shows, under Anger's name, in the channel.
 */
describe("an earlier persona reply whose note has expired (a quiet channel, 90 days on, or a Redis flush)", () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;
  let settings: RedisSettingsStore;

  const only = (emotion: Emotion) =>
    settings.update(stack.discord.world.guild.id, (current) => ({ ...current, disabledPersonas: EMOTIONS.filter((e) => e !== emotion) }));

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
    worker = await stack.spawn('worker');
    await stack.spawn('gateway');
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(stack.outputs());
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function answer(content: string) {
    const message = stack.mention(content);
    const jobId = messageJobId(message.id);
    const prompt = worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId, 45_000);
    const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, 45_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    const { replyId, persona } = done.outcome as { replyId: string; persona: string };
    const posted = stack.discord.channelMessages(stack.discord.world.channels.text.id).find((m) => m.id === replyId)!;
    return { persona, replyId, prompt: (await prompt).prompt as Prompt, reply: posted.content, postedAs: posted.author.username };
  }

  it("is quoted as the character it was posted under: Anger's words are never put in Joy's mouth, and Joy's own stay Joy's", async () => {
    await only('anger');
    const angry = await answer('they cancelled my flight again, I am furious');
    expect(angry.persona).toBe('anger');
    expect(angry.postedAs).toBe('Anger');
    // The note expires after 90 days (REPLY_PERSONA_TTL_SECONDS); Anger's post stays in the channel.
    await stack.redisConnection().del(feelbotKey(stack.prefix, 'reply-persona', angry.replyId));

    await only('joy');
    const joyful = await answer('I am so happy today, everything went right!');
    expect(joyful.persona).toBe('joy');
    expect(joyful.prompt.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.text)).not.toContain(angry.reply);
    expect(joyful.prompt.turns.map((turn) => turn.text).join('\n')).toContain(`<<<Anger (character): ${angry.reply}>>>`);

    // Joy's own reply, its note lost too, is posted under Joy's name: still Joy's own turn.
    await stack.redisConnection().del(feelbotKey(stack.prefix, 'reply-persona', joyful.replyId));
    const again = await answer('and tomorrow is my birthday, I am so happy!');
    expect(again.persona).toBe('joy');
    expect(again.prompt.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.text)).toContain(joyful.reply);
    expect(again.prompt.turns.map((turn) => turn.text).join('\n')).toContain(`<<<Anger (character): ${angry.reply}>>>`);
  }, 150_000);
});
