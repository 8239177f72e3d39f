import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId, type MessageJob } from '../../src/jobs/message-job.js';
import { everythingUnder } from '../support/redis-contents.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/**
 * A gateway restarted (a roll-out, a crash) while a reply waits in the queue: the new gateway has
 * every guild channel from GUILD_CREATE, but no DM channel until a message arrives there, and
 * discord.js drops a MESSAGE_DELETE or MESSAGE_UPDATE for a channel it has not cached. A deletion
 * must still withdraw the waiting reply (README "When things fail": "A message is deleted: its
 * waiting reply is withdrawn with its text"), and an edit still be what the reply answers, in a DM
 * as in a server. Real gateways, the real discord.js client, the fake Discord, real BullMQ; no
 * worker, so the jobs stay in the queue to be looked at.
 */
/** Long enough for a second handling of the same edit (a REST read of the message) to show in the logs. */
const SETTLE_MS = 1_500;

describe('a message deleted or edited after the gateway that queued its reply was replaced', () => {
  let stack: FeelbotStack;
  let first: FeelbotProcess;
  let second: FeelbotProcess;
  const env = { BURST_WINDOW_MS: '60000' };
  let guildMessageId: string;
  let dmMessageId: string;
  let editedDm: { channelId: string; messageId: string };
  let editedInGuild: string;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    first = await stack.spawn('gateway', env);
    const { channels, users } = stack.discord.world;
    guildMessageId = stack.mention('I am so ashamed of what I said, please forget it', channels.text.id).id;
    dmMessageId = stack.discord.sendMessage({ channelId: channels.dm.id, authorId: users.member.id, content: 'my address is 12 Elm Street and I am scared' }).id;
    // Another member's DM with the bot.
    const other = stack.discord.addUser({ username: 'dm-other' });
    const otherDm = stack.discord.addChannel({ type: ChannelType.DM, recipientIds: [other.id] });
    editedDm = { channelId: otherDm.id, messageId: stack.discord.sendMessage({ channelId: otherDm.id, authorId: other.id, content: 'I am so happy today' }).id };
    editedInGuild = stack.mention('I am so happy today', channels.categorized.id).id;
    for (const id of [guildMessageId, dmMessageId, editedDm.messageId, editedInGuild]) await first.waitForLog((line) => line.msg === 'queued' && line.messageId === id, 10_000);
    // The gateway is replaced: the old one goes away, a new one starts and gets READY and GUILD_CREATE.
    await first.stop('SIGTERM');
    second = await stack.spawn('gateway', env);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const jobFor = (messageId: string) => stack.replyQueue().getJob(messageJobId(messageId));
  const revisions = (messageId: string) => second.logs.filter((line) => line.msg === 'edited before its reply; the reply answers the new text' && line.messageId === messageId).length;
  const contentOf = async (messageId: string) => ((await jobFor(messageId))?.data as MessageJob | undefined)?.content;

  it('in a server channel, the waiting reply is withdrawn', async () => {
    expect(await jobFor(guildMessageId)).toBeDefined();
    stack.discord.deleteMessage(stack.discord.world.channels.text.id, guildMessageId);
    await expect.poll(() => jobFor(guildMessageId), { timeout: 10_000 }).toBeUndefined();
  });

  it('in a DM, the waiting reply is withdrawn and its text leaves Redis', async () => {
    expect(await jobFor(dmMessageId)).toBeDefined();
    stack.discord.deleteMessage(stack.discord.world.channels.dm.id, dmMessageId);
    const state = async () => ({
      markedDeleted: (await stack.redisConnection().exists(`${stack.prefix}:deleted:${dmMessageId}`)) === 1,
      jobStillQueued: (await jobFor(dmMessageId)) !== undefined,
    });
    await expect.poll(state, { timeout: 10_000 }).toEqual({ markedDeleted: true, jobStillQueued: false });
    expect(await everythingUnder(stack.redisConnection(), stack.prefix)).not.toContain('12 Elm Street');
  });

  it('in a server channel, an edit made while the reply waits is what the reply answers', async () => {
    stack.discord.editMessage(stack.discord.world.channels.categorized.id, editedInGuild, `<@${stack.discord.botUser.id}> I am so sad today, I typed that wrong`);
    await expect.poll(() => contentOf(editedInGuild), { timeout: 10_000 }).toBe('I am so sad today, I typed that wrong');
  });

  it('in a DM, an edit made while the reply waits is what the reply answers', async () => {
    expect(await contentOf(editedDm.messageId)).toBe('I am so happy today');
    stack.discord.editMessage(editedDm.channelId, editedDm.messageId, 'I am so sad today, I typed that wrong');
    await expect.poll(() => contentOf(editedDm.messageId), { timeout: 10_000 }).toBe('I am so sad today, I typed that wrong');
    await sleep(SETTLE_MS);
    expect(revisions(editedDm.messageId)).toBe(1);
  });

  it('in a DM the new gateway has seen a message in, an edit is handled once', async () => {
    const user = stack.discord.addUser({ username: 'dm-after-restart' });
    const dm = stack.discord.addChannel({ type: ChannelType.DM, recipientIds: [user.id] });
    const messageId = stack.discord.sendMessage({ channelId: dm.id, authorId: user.id, content: 'I am so happy today' }).id;
    await second.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 10_000);
    stack.discord.editMessage(dm.id, messageId, 'I am so sad today, I typed that wrong');
    await expect.poll(() => contentOf(messageId), { timeout: 10_000 }).toBe('I am so sad today, I typed that wrong');
    await sleep(SETTLE_MS);
    expect(revisions(messageId)).toBe(1);
  });
});
