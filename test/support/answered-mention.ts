import { expect } from 'vitest';
import type { Prompt } from '../../src/domain/prompt.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { FeelbotProcess } from './feelbot-process.js';
import type { FeelbotStack } from './feelbot-stack.js';

/** Generation on the tiny model, on a CPU shared with other test files, can take this long. */
const REPLY_TIMEOUT_MS = 45_000;

/**
 * Mentions the bot in the text channel as a member of its own and waits for `worker` to post the
 * reply: which persona answered, the prompt it wrote from, and its post (id, text, name shown).
 */
export async function answeredMention(stack: FeelbotStack, worker: FeelbotProcess, content: string) {
  const message = stack.mention(content);
  const jobId = messageJobId(message.id);
  const prompt = worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId, REPLY_TIMEOUT_MS);
  const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, REPLY_TIMEOUT_MS);
  expect(done.outcome).toMatchObject({ status: 'posted' });
  const { replyId, persona } = done.outcome as { replyId: string; persona: string };
  const posted = stack.discord.channelMessages(stack.discord.world.channels.text.id).find((m) => m.id === replyId)!;
  return { persona, replyId, prompt: (await prompt).prompt as Prompt, reply: posted.content, postedAs: posted.author.username };
}
