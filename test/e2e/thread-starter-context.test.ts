import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

/**
 * A thread started from a message ("Create Thread" on it): Discord shows that message atop the
 * thread, while the thread's own first message is a THREAD_STARTER_MESSAGE with no text that
 * references it in the parent channel.
 */
describe('a thread started from a message', () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;
  let earlierThreadId: string;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    // A thread started before the gateway (re)started, from a message by someone with a nickname here.
    const { discord } = stack;
    const poet = discord.addUser({ username: 'pat_1', globalName: 'Patricia' });
    discord.addMember({ guildId: discord.world.guild.id, userId: poet.id, nick: 'Bard' });
    const starter = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: poet.id, content: 'my grandmother passed away last night' });
    earlierThreadId = discord.startThread({ channelId: discord.world.channels.text.id, messageId: starter.id, ownerId: poet.id }).id;
    worker = await stack.spawn('worker');
    await stack.spawn('gateway');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const promptText = async (id: string) => {
    const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(id), 45_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    const prompt = worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(id))?.prompt as { turns: Array<{ text: string }> };
    return prompt.turns.map((turn) => turn.text).join('\n');
  };
  const threadFrom = (content: string) => {
    const { channels, users } = stack.discord.world;
    const starter = stack.discord.sendMessage({ channelId: channels.text.id, authorId: users.member.id, content });
    const thread = stack.discord.startThread({ channelId: channels.text.id, messageId: starter.id, ownerId: users.admin.id, name: 'talk' });
    return { starter, thread };
  };

  it("shows the message it was started from first in the reply's context, under its author's name", async () => {
    const { thread } = threadFrom('my dog died yesterday and the house feels empty');
    stack.discord.sendMessage({ channelId: thread.id, authorId: stack.newMember(), content: 'oh no, how old was he?' });
    const asked = stack.discord.sendMessage({ channelId: thread.id, authorId: stack.discord.world.users.admin.id, content: 'I am so sorry, this is heartbreaking', mentionsBot: true });
    const text = await promptText(asked.id);
    expect(text).toContain('<<<Mo Member: my dog died yesterday');
    expect(text.indexOf('my dog died yesterday')).toBeLessThan(text.indexOf('how old was he?'));
  }, 60_000);

  it('after a gateway restart too, read from Discord, under the nickname its author goes by here', async () => {
    const asked = stack.discord.sendMessage({ channelId: earlierThreadId, authorId: stack.newMember(), content: 'I am so sorry for your loss', mentionsBot: true });
    expect(await promptText(asked.id)).toContain('<<<Bard: my grandmother passed away');
  }, 60_000);

  it('shows nothing in its place once that message is deleted, and the reply is still written', async () => {
    const { starter, thread } = threadFrom('my hamster escaped and I cannot find him');
    stack.discord.deleteMessage(stack.discord.world.channels.text.id, starter.id);
    const asked = stack.discord.sendMessage({ channelId: thread.id, authorId: stack.discord.world.users.admin.id, content: 'I am so sad about the hamster', mentionsBot: true });
    expect(await promptText(asked.id)).not.toContain('escaped');
  }, 60_000);
});
