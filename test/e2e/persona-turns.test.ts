import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import type { Prompt } from '../../src/domain/prompt.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

/**
 * Whose words a persona's earlier replies are, on a real gateway and worker against the fake
 * Discord: the worker notes each reply's persona, and the gateway puts it in the next job.
 */
describe("a persona's prompt tells its own earlier replies from the other characters'", () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    // The server shows Joy as "Sunny": Joy's replies posted under that name are still Joy's own.
    const settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
    await settings.update(stack.discord.world.guild.id, (current) => ({ ...current, personaLooks: { joy: { name: 'Sunny' } } }));
    worker = await stack.spawn('worker');
    await stack.spawn('gateway');
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(stack.outputs());
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** The reply to a message, once posted: the job's prompt and what the persona posted. */
  async function answer(content: string) {
    const message = stack.mention(content);
    const jobId = messageJobId(message.id);
    const prompt = worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId, 45_000);
    const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, 45_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    const { replyId, persona } = done.outcome as { replyId: string; persona: string };
    const posted = stack.discord.store.messages.get(stack.discord.world.channels.text.id)?.find((m) => m.id === replyId);
    return { persona, prompt: (await prompt).prompt as Prompt, reply: posted!.content };
  }

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
