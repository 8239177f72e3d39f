import { describe, expect, it } from 'vitest';
import { messageJobId, MessageJobSchema } from '../../src/jobs/message-job.js';
import { buildMessageJob } from '../factories.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/** Received two hours ago: the gateway's deletion markers (an hour) have expired, as after a long outage of the workers. */
const OLD_AGE_MS = 2 * 60 * 60_000;

/**
 * "No reply's prompt carries a deleted message, the person's or anyone else's": a reply that waited
 * longer than the gateway's deletion markers last (an hour, workers down) cannot tell from them
 * that another member's message of its context was deleted meanwhile, so it asks Discord which of
 * them are still there. Real worker, real BullMQ, fake Discord, tiny model, no gateway, as
 * test/e2e/reply-after-long-wait.test.ts.
 */
describe('a long-waiting reply whose context holds a message deleted meanwhile', () => {
  const e2e = useFeelbotStack({ worker: {} });

  it("does not put another member's deleted message into the prompt, and keeps the ones still there, after one page of the channel asked for", async () => {
    const { discord } = e2e.stack;
    const channelId = discord.world.channels.text.id;
    const bob = e2e.stack.newMember();
    const secret = 'my new address is 12 Elm Street, flat 4';
    const bobs = discord.sendMessage({ channelId, authorId: bob, content: secret });
    const carol = e2e.stack.newMember();
    const carols = discord.sendMessage({ channelId, authorId: carol, content: 'the garden looks lovely after the rain' });
    const alice = e2e.stack.newMember();
    const content = 'I am so sad today, nothing went right';
    const alices = discord.sendMessage({ channelId, authorId: alice, content, mentionsBot: true });
    const job = buildMessageJob({
      guildId: discord.world.guild.id,
      channelId,
      messageId: alices.id,
      author: { id: alice, displayName: 'Alice' },
      content,
      context: [
        { messageId: bobs.id, authorName: 'Bob', authorId: bob, content: secret },
        { messageId: carols.id, authorName: 'Carol', authorId: carol, content: 'the garden looks lovely after the rain' },
      ],
      receivedAt: Date.now() - OLD_AGE_MS,
    });
    // Bob deleted his message while the reply waited; the gateway's marker has expired since.
    discord.deleteMessage(channelId, bobs.id);

    const jobId = messageJobId(job.messageId);
    const requestsBefore = discord.requests.length;
    await e2e.stack.replyQueue().add('reply', MessageJobSchema.parse(job), { jobId });
    await e2e.worker.waitForLog((line) => line.jobId === jobId && (line.msg === 'job done' || line.msg === 'reply given up'), 60_000);
    const prompts = e2e.worker.logs.filter((line) => line.jobId === jobId && line.msg === 'prompt');
    expect(prompts.length).toBeGreaterThan(0);
    expect(JSON.stringify(prompts)).not.toContain('12 Elm Street');
    expect(JSON.stringify(prompts)).toContain('the garden looks lovely');
    const pages = discord.requests.slice(requestsBefore).filter((request) => request.method === 'GET' && request.path === `/channels/${channelId}/messages`);
    expect(pages.map((request) => request.status)).toEqual([200]);
  });
});
