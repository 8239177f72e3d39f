import { describe, expect, it } from 'vitest';
import type { Prompt } from '../../src/domain/prompt.js';
import { messageJobId, type MessageJob } from '../../src/jobs/message-job.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * README: reply to a persona to get an answer; the reply follows the reply chain, so the persona
 * message replied to is part of the conversation the answer is written from.
 */
describe("a reply to a persona's message older than the recent messages, answered by that same persona", () => {
  const e2e = useFeelbotStack({
    // Only Joy may speak: the persona replied to is the one that answers.
    seed: (stack) =>
      stack.settingsStore().update(stack.discord.world.guild.id, (current) => ({
        ...current,
        disabledPersonas: ['sadness', 'love', 'anger', 'fear', 'surprise'],
      })),
    worker: {},
    gateway: {},
  });

  it('is written from a prompt that holds the message replied to, as the persona\'s own words after a user turn', async () => {
    const channelId = e2e.stack.discord.world.channels.text.id;
    const first = e2e.stack.mention('I am so happy, I passed my driving test!');
    const firstDone = await e2e.worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(first.id), 45_000);
    expect(firstDone.outcome).toMatchObject({ status: 'posted', persona: 'joy' });
    const replyId = (firstDone.outcome as { replyId: string }).replyId;
    const personaSaid = e2e.stack.discord.channelMessages(channelId).find((m) => m.id === replyId)!;
    expect(personaSaid.content.length).toBeGreaterThan(0);

    // The channel moves on (mention mode: none of these is answered).
    for (let i = 0; i < 7; i++) {
      e2e.stack.discord.sendMessage({ channelId, authorId: e2e.stack.newMember(), content: `chatter line ${i} about the weekend plans` });
    }
    const reply = e2e.stack.discord.sendMessage({
      channelId,
      authorId: e2e.stack.newMember(),
      content: 'haha that is wonderful, I am so happy for them too!',
      referencedMessageId: personaSaid.id,
    });
    const jobId = messageJobId(reply.id);
    const promptLine = e2e.worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId, 45_000);
    const done = await e2e.worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, 45_000);
    expect(done.outcome).toMatchObject({ status: 'posted', persona: 'joy' });

    // The gateway put the persona's message in the job (the reply chain) ...
    const job = (await e2e.stack.replyQueue().getJob(jobId))?.data as MessageJob | undefined;
    expect(job?.context.map((m) => m.messageId)).toContain(personaSaid.id);
    // ... but the prompt the model wrote from must hold it too.
    const prompt = (await promptLine).prompt as Prompt;
    expect(prompt.turns.map((turn) => turn.text).join('\n')).toContain(personaSaid.content);
    // Its own words, not a member's; the conversation still opens on a user turn, as chat templates want.
    expect(prompt.turns[0]!.role).toBe('user');
    expect(prompt.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.text).join('\n')).toContain(personaSaid.content);
  }, 150_000);
});
