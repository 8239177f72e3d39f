import { randomUUID } from 'node:crypto';
import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { channelOption, feelbotCommand, textOption } from '../support/feelbot-command.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';
import type { LogLine } from '../support/feelbot-process.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/** On the slow model a reply this long takes over 10 s: far longer than the worker's 2 s checks. */
const LONG_REPLY_TOKENS = 1_000;

/** Two checks (DELETION_CHECK_MS) and the generation's stop, with room for a loaded machine. */
const STOPPED_WITHIN_MS = 5_000;

/**
 * The message being answered deleted, or the bot turned off in its channel, while the reply is
 * written on a CPU: the worker stops writing within seconds, as for a deleted channel, rather than
 * spend the model (and its one context sequence) on a reply nobody will see. Real gateway and
 * worker, the slow model, the fake Discord.
 */
describe('a reply no longer wanted while it is written', () => {
  const e2e = useFeelbotStack({ worker: { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(LONG_REPLY_TOKENS) }, gateway: {} });

  const forJob = (messageId: string, msg: string) => (line: LogLine) => line.jobId === messageJobId(messageId) && line.msg === msg;

  /** A text channel of the test's own, so what one test turns off stays apart from the other. */
  const newChannel = () => e2e.stack.discord.addChannel({ guildId: e2e.stack.discord.world.guild.id, type: ChannelType.GuildText, name: `unwanted-${randomUUID().slice(0, 4)}` }).id;

  /** Mentions the bot in `channelId`, runs `act` once the reply is being written, and tells how and when its job ended. */
  async function stoppedBy(channelId: string, act: (messageId: string) => Promise<unknown> | unknown) {
    const message = e2e.stack.mention('I am so sad today', channelId);
    await e2e.worker.waitForLog(forJob(message.id, 'prompt'), 60_000);
    const actedAt = Date.now();
    await act(message.id);
    const done = await e2e.worker.waitForLog(forJob(message.id, 'job done'), 120_000);
    return {
      outcome: done.outcome,
      writtenToItsEnd: e2e.worker.logs.some(forJob(message.id, 'generated')),
      endedWithinMs: Number(done.time) - actedAt < STOPPED_WITHIN_MS,
      posts: e2e.stack.discord.webhookExecutions().filter((post) => post.channelId === channelId),
    };
  }

  it('the message deleted: the writing stops within seconds and the job ends skipped as deleted', async () => {
    const channelId = newChannel();
    const ended = await stoppedBy(channelId, (messageId) => e2e.stack.discord.deleteMessage(channelId, messageId));
    expect(ended).toEqual({ outcome: { status: 'skipped', reason: 'deleted', emotion: 'sadness' }, writtenToItsEnd: false, endedWithinMs: true, posts: [] });
  });

  it('the bot turned off in the channel: the writing stops within seconds and the job ends skipped as mode-off', async () => {
    const { discord } = e2e.stack;
    const channelId = newChannel();
    const ended = await stoppedBy(channelId, () => feelbotCommand(discord, discord.world.users.admin.id, 'channel', [textOption('mode', 'off'), channelOption('channel', channelId)]));
    expect(ended).toEqual({ outcome: { status: 'skipped', reason: 'mode-off', emotion: 'sadness' }, writtenToItsEnd: false, endedWithinMs: true, posts: [] });
  });
});
