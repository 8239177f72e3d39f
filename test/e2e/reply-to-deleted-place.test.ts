import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import type { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/** On the slow model a reply this long takes far longer than the worker's checks for a deletion. */
const LONG_REPLY_TOKENS = 1_000;

/**
 * How `worker` ended the reply job of `messageId`, once it has: its outcome, failures, errors, the
 * generation steps it logged (the prompt as a generation starts, 'generated' once a reply is written
 * to its end: a job skipped before writing has neither, one stopped midway no 'generated') and its state.
 */
async function jobEnd(stack: FeelbotStack, worker: FeelbotProcess, messageId: string, timeoutMs: number) {
  const jobId = messageJobId(messageId);
  const done = await worker.waitForLog((line) => line.jobId === jobId && (line.msg === 'job done' || line.msg === 'reply given up'), timeoutMs);
  const jobLines = worker.logs.filter((line) => line.jobId === jobId);
  return {
    outcome: done.outcome,
    failures: jobLines.filter((line) => line.msg === 'job failed' || line.msg === 'reply given up').map((line) => `${line.level} ${line.msg} ${line.code}`),
    errors: jobLines.filter((line) => line.level === 'error' || line.level === 'fatal').map((line) => line.msg),
    generation: jobLines.filter((line) => line.msg === 'prompt' || line.msg === 'generated').map((line) => line.msg),
    state: await (await stack.replyQueue().getJob(jobId))?.getState(),
  };
}

/**
 * A moderator deletes a thread, or an admin a channel, while a reply to a message in it waits in
 * its burst window. Discord deletes the place's messages with it and sends THREAD_DELETE or
 * CHANNEL_DELETE only (no MESSAGE_DELETE), so nothing is left to answer: the gateway blocks the
 * place, and the worker skips the job before writing anything. Real gateway and worker, the fake
 * Discord, real BullMQ.
 */
describe('a thread or channel deleted while a reply to it waits', () => {
  const e2e = useFeelbotStack({ worker: {}, gateway: { BURST_WINDOW_MS: '3000' } });

  /** Answers a message in `channelId` so that the channel's webhook is made and cached, as in any channel the bot has answered in. */
  async function warmUp(channelId: string) {
    const warm = e2e.stack.mention('I am so happy today', channelId);
    await e2e.worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(warm.id), 60_000);
  }

  /** Mentions the bot in `placeId`, deletes `deletedId` while the reply waits, and returns how the reply's job ended. */
  async function deletedWhileWaiting(placeId: string, deletedId: string) {
    const { discord } = e2e.stack;
    const message = e2e.stack.mention('I am so sad today', placeId);
    await e2e.gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 10_000);
    const requestsBefore = discord.requests.length;
    discord.deleteChannel(deletedId);
    return { ...(await jobEnd(e2e.stack, e2e.worker, message.id, 60_000)), requests: discord.requests.slice(requestsBefore) };
  }

  it('a deleted thread gets no reply written and no post: the job ends skipped as channel-deleted, with no failure, no retry and no re-listing of its parent\'s webhooks', async () => {
    const { discord } = e2e.stack;
    const parent = discord.world.channels.text;
    const thread = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.PublicThread, name: 'rant', parentId: parent.id, ownerId: discord.world.users.member.id });
    await warmUp(parent.id);

    const ended = await deletedWhileWaiting(thread.id, thread.id);

    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], errors: [], generation: [] });
    expect(ended.state).toBe('completed');
    const webhookCalls = ended.requests.filter((request) => request.path.startsWith('/webhooks/') || request.path === `/channels/${parent.id}/webhooks`);
    expect(webhookCalls.map((request) => `${request.method} ${request.path.replace(/^\/webhooks\/.*/, '/webhooks/…')}`)).toEqual([]);
  });

  it('a deleted channel gets no reply written and no post: the job ends skipped as channel-deleted, with no failure, no retry and no look for its webhooks', async () => {
    const { discord } = e2e.stack;
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'doomed' });
    await warmUp(channel.id);

    const ended = await deletedWhileWaiting(channel.id, channel.id);

    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], errors: [], generation: [] });
    expect(ended.state).toBe('completed');
    expect(ended.requests.filter((request) => request.path.startsWith('/webhooks/') || request.path.startsWith(`/channels/${channel.id}`))).toEqual([]);
  });

  it('a thread of a deleted channel, which goes unannounced with it, gets no reply written and no post', async () => {
    const { discord } = e2e.stack;
    const parent = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'doomed-parent' });
    const thread = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.PublicThread, name: 'vent', parentId: parent.id, ownerId: discord.world.users.member.id });
    await warmUp(parent.id);

    const ended = await deletedWhileWaiting(thread.id, parent.id);

    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], errors: [], generation: [] });
    expect(ended.state).toBe('completed');
    expect(ended.requests.filter((request) => request.path.startsWith('/webhooks/') || request.path.startsWith(`/channels/${parent.id}`))).toEqual([]);
  });
});

/**
 * A thread or channel deleted while its reply is being written, on the slow model: the worker
 * stops generating once the gateway has blocked the place, instead of writing the reply to its end
 * for a post that would meet Unknown Channel. Real gateway and worker, the fake Discord, real BullMQ,
 * the real llama.cpp binding.
 */
describe('a thread or channel deleted while its reply is being written', () => {
  const e2e = useFeelbotStack({ worker: { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(LONG_REPLY_TOKENS) }, gateway: {} });

  const forJob = (messageId: string, msg: string) => (line: LogLine) => line.jobId === messageJobId(messageId) && line.msg === msg;

  /** Mentions the bot in `placeId`, deletes `deletedId` once its reply is being written, and returns how the reply's job ended. */
  async function deletedWhileWriting(placeId: string, deletedId: string) {
    const { discord } = e2e.stack;
    const message = e2e.stack.mention('I am so sad today', placeId);
    await e2e.worker.waitForLog(forJob(message.id, 'prompt'), 60_000);
    const requestsBefore = discord.requests.length;
    discord.deleteChannel(deletedId);
    const ended = await jobEnd(e2e.stack, e2e.worker, message.id, 120_000);
    return { ...ended, posts: discord.requests.slice(requestsBefore).filter((request) => request.path.startsWith('/webhooks/')) };
  }

  it('a deleted channel stops its reply midway: the job ends skipped as channel-deleted, with no failure, no retry and no post', async () => {
    const { discord } = e2e.stack;
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'doomed-while-writing' });

    const ended = await deletedWhileWriting(channel.id, channel.id);

    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], errors: [], generation: ['prompt'], posts: [] });
    expect(ended.state).toBe('completed');
  });

  it('a thread whose channel is deleted, which goes unannounced with it, stops its reply midway too', async () => {
    const { discord } = e2e.stack;
    const parent = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'doomed-parent-while-writing' });
    const thread = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.PublicThread, name: 'vent', parentId: parent.id, ownerId: discord.world.users.member.id });

    const ended = await deletedWhileWriting(thread.id, parent.id);

    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], errors: [], generation: ['prompt'], posts: [] });
    expect(ended.state).toBe('completed');
  });
});
