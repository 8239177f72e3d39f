import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { messageJobId, MessageJobSchema, type MessageJob } from '../../src/jobs/message-job.js';
import { buildMessageJob } from '../factories.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/** Received two hours ago: longer than the gateway's deletion markers (an hour) last, as after a long outage of the workers. */
const OLD_AGE_MS = 2 * 60 * 60_000;

/**
 * Reply jobs that waited in the queue while the workers were down, longer than the gateway's
 * deletion markers last, or whose thread or channel was deleted while no gateway ran to see it:
 * the worker asks Discord once whether the message is still there before writing anything, and a
 * fresh job asks nothing. Real worker, real BullMQ on a private Redis, the fake Discord, the tiny
 * model; no gateway, so nothing but the worker's own question can tell it of a deletion. The jobs
 * are queued as a gateway queued them, two hours ago.
 */
describe('a reply job that waited longer than deletions are remembered', () => {
  const e2e = useFeelbotStack({ worker: {} });

  /** A member's message in `channelId` (a DM when `guildId` is null), as the gateway queued its reply `ageMs` ago. */
  function jobFor(channelId: string, options: { guildId?: string | null; ageMs?: number; isThread?: boolean; parentId?: string } = {}): MessageJob {
    const { discord } = e2e.stack;
    const guildId = options.guildId === undefined ? discord.world.guild.id : options.guildId;
    const authorId = guildId ? e2e.stack.newMember() : discord.world.users.member.id;
    const content = 'I am so sad today, nothing went right';
    const message = discord.sendMessage({ channelId, authorId, content, mentionsBot: guildId !== null });
    return buildMessageJob({
      guildId,
      channelId,
      isThread: options.isThread ?? false,
      parentId: options.parentId ?? null,
      messageId: message.id,
      author: { id: authorId, displayName: 'Sam' },
      content,
      receivedAt: Date.now() - (options.ageMs ?? OLD_AGE_MS),
    });
  }

  /** Queues `job` straight into the reply queue, as a gateway did, and returns how the worker ended it and what it asked Discord. */
  async function handled(job: MessageJob) {
    const { discord } = e2e.stack;
    const jobId = messageJobId(job.messageId);
    const requestsBefore = discord.requests.length;
    await e2e.stack.replyQueue().add('reply', MessageJobSchema.parse(job), { jobId });
    const done = await e2e.worker.waitForLog((line) => line.jobId === jobId && (line.msg === 'job done' || line.msg === 'reply given up'), 60_000);
    const jobLines = e2e.worker.logs.filter((line) => line.jobId === jobId);
    const requests = discord.requests.slice(requestsBefore);
    return {
      outcome: done.outcome,
      failures: jobLines.filter((line) => line.msg === 'job failed' || line.level === 'error' || line.level === 'fatal').map((line) => line.msg),
      // The prompt is logged as a generation starts, 'generated' as it ends: a job skipped before writing has neither.
      generation: jobLines.filter((line) => line.msg === 'prompt' || line.msg === 'generated').map((line) => line.msg),
      asked: requests.filter((request) => request.method === 'GET' && request.path === `/channels/${job.channelId}/messages/${job.messageId}`).map((request) => request.status),
      posts: requests.filter((request) => request.method === 'POST' && request.path.startsWith('/webhooks/')).length,
    };
  }

  const blockOf = (place: string) => e2e.stack.redisConnection().get(`${e2e.stack.prefix}:blocked:${place}`);

  it('a message deleted meanwhile is skipped as deleted after one question (404 Unknown Message), with nothing written or posted', async () => {
    const channel = e2e.stack.discord.world.channels.text.id;
    const job = jobFor(channel);
    e2e.stack.discord.deleteMessage(channel, job.messageId);

    expect(await handled(job)).toEqual({ outcome: { status: 'skipped', reason: 'deleted' }, failures: [], generation: [], asked: [404], posts: 0 });
  });

  it('a channel deleted while no gateway ran is skipped as channel-deleted and blocked as a gateway would; its other old jobs skip without asking', async () => {
    const { discord } = e2e.stack;
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'deleted-unseen' }).id;
    const first = jobFor(channel);
    const second = jobFor(channel);
    discord.deleteChannel(channel);

    expect(await handled(first)).toEqual({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], generation: [], asked: [404], posts: 0 });
    expect(await blockOf(channel)).toBe(ErrorCodes.ChannelDeleted);
    expect(await handled(second)).toEqual({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], generation: [], asked: [], posts: 0 });
  });

  it('a thread that went, unannounced, with its deleted channel is skipped as channel-deleted and blocked', async () => {
    const { discord } = e2e.stack;
    const parent = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'deleted-parent-unseen' }).id;
    const thread = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.PublicThread, name: 'vent', parentId: parent, ownerId: discord.world.users.member.id }).id;
    const job = jobFor(thread, { isThread: true, parentId: parent });
    discord.deleteChannel(parent);

    expect(await handled(job)).toEqual({ outcome: { status: 'skipped', reason: 'channel-deleted' }, failures: [], generation: [], asked: [404], posts: 0 });
    expect(await blockOf(thread)).toBe(ErrorCodes.ChannelDeleted);
  });

  it('a DM message deleted meanwhile is skipped as deleted too', async () => {
    const dm = e2e.stack.discord.world.channels.dm.id;
    const job = jobFor(dm, { guildId: null });
    e2e.stack.discord.deleteMessage(dm, job.messageId);

    expect(await handled(job)).toEqual({ outcome: { status: 'skipped', reason: 'deleted' }, failures: [], generation: [], asked: [404], posts: 0 });
  });

  it('a message still there is answered after one question; a fresh job, the normal case, asks nothing', async () => {
    const channel = e2e.stack.discord.world.channels.text.id;

    const old = await handled(jobFor(channel));
    expect(old).toMatchObject({ outcome: { status: 'posted' }, failures: [], generation: ['prompt', 'generated'], asked: [200], posts: 1 });
    const fresh = await handled(jobFor(channel, { ageMs: 0 }));
    expect(fresh).toMatchObject({ outcome: { status: 'posted' }, failures: [], generation: ['prompt', 'generated'], asked: [], posts: 1 });
  });

  it('where the bot may not read the message history, Discord refuses the question (403) and the reply is written and posted as before', async () => {
    const { discord } = e2e.stack;
    const channel = discord.addChannel({
      guildId: discord.world.guild.id,
      type: ChannelType.GuildText,
      name: 'no-history-old',
      overwrites: [{ id: discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }],
    }).id;

    expect(await handled(jobFor(channel))).toMatchObject({ outcome: { status: 'posted' }, failures: [], asked: [403], posts: 1 });
    expect(await blockOf(channel)).toBeNull();
  });
});
