import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { messageJobId, type MessageJob } from '../../src/jobs/message-job.js';
import { channelOption, feelbotCommand, textOption } from '../support/feelbot-command.js';
import { everythingUnder } from '../support/redis-contents.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * README, Settings: in `off` mode the bot never speaks. An admin may turn a place off while a
 * member's burst there is still open: the member's next message is not queued, and the burst's
 * waiting job and buffered text leave Redis then, not when the burst window ends. Real gateway
 * (no worker: a job it queues stays in the queue to be read), real discord.js client, fake
 * Discord, real BullMQ, private Redis.
 */
describe('a burst open where an admin turns the bot off', () => {
  // A long window keeps every burst open, and its job delayed, for the whole test.
  const e2e = useFeelbotStack({ gateway: { BURST_WINDOW_MS: '30000' }, freshSettings: true });

  const admin = () => e2e.stack.discord.world.users.admin.id;
  const newChannel = (name: string) => e2e.stack.discord.addChannel({ guildId: e2e.stack.discord.world.guild.id, type: ChannelType.GuildText, name }).id;
  const queued = (messageId: string) => e2e.gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 10_000);
  /** The first thing the gateway says it did with a message: queued it, or found the bot off there. */
  const handled = (messageId: string) =>
    e2e.gateway.waitForLog((line) => line.messageId === messageId && (line.msg === 'queued' || String(line.msg).startsWith('the bot is off here')), 10_000);
  /** The texts of the reply jobs of a channel still in the queue, in any state. */
  const jobTextsIn = async (channelId: string) => {
    const jobs = await e2e.stack.replyQueue().getJobs(['delayed', 'prioritized', 'waiting', 'active', 'completed', 'failed']);
    return jobs.map((job) => job.data as MessageJob).filter((job) => job.channelId === channelId).map((job) => job.content);
  };
  const burstKeysOf = (channelId: string, authorId: string) => e2e.stack.redisConnection().keys(`${e2e.stack.prefix}:burst*:${channelId}:${authorId}`);
  const stored = () => everythingUnder(e2e.stack.redisConnection(), e2e.stack.prefix);

  it("a channel turned off: the author's next message is not queued, and the burst's earlier text leaves Redis at once", async () => {
    const { discord } = e2e.stack;
    const channel = newChannel('late-night');
    const author = e2e.stack.newMember();
    const say = (content: string, mentionsBot = false) => discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot });
    const first = say('I cannot sleep, my ex texted me out of nowhere', true);
    const second = say('he wants to meet tomorrow');
    await Promise.all([queued(first.id), queued(second.id)]);
    expect(await jobTextsIn(channel)).toEqual(['I cannot sleep, my ex texted me out of nowhere\nhe wants to meet tomorrow']);

    const answer = await feelbotCommand(discord, admin(), 'channel', [textOption('mode', 'off'), channelOption('channel', channel)]);
    expect(answer).toMatch(/is now \*\*off\*\*/);
    const third = say('should I go? be honest', true);
    expect(await handled(third.id)).toMatchObject({ msg: 'the bot is off here; withdrew the open burst', withdrawn: [messageJobId(second.id)] });

    // Checked at once, not polled: nothing waits for the window to end.
    expect(await jobTextsIn(channel)).toEqual([]);
    expect(await burstKeysOf(channel, author)).toEqual([]);
    const left = await stored();
    for (const text of ['my ex texted me', 'he wants to meet tomorrow', 'should I go? be honest']) expect(left).not.toContain(text);
  });

  it('the server default turned off, in a thread that follows it: the burst there is withdrawn the same way', async () => {
    const { discord } = e2e.stack;
    const parent = newChannel('support');
    const thread = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.PublicThread, name: 'rough week', parentId: parent, ownerId: discord.world.users.member.id }).id;
    const author = e2e.stack.newMember();
    const say = (content: string) => discord.sendMessage({ channelId: thread, authorId: author, content, mentionsBot: true });
    const first = say('my dog is at the vet overnight');
    await queued(first.id);
    expect(await jobTextsIn(thread)).toEqual(['my dog is at the vet overnight']);

    const answer = await feelbotCommand(discord, admin(), 'default', [textOption('mode', 'off')]);
    expect(answer).toMatch(/reply mode is now \*\*off\*\*/);
    const second = say('I keep checking my phone');
    await handled(second.id);

    expect(await jobTextsIn(thread)).toEqual([]);
    expect(await burstKeysOf(thread, author)).toEqual([]);
    const left = await stored();
    for (const text of ['my dog is at the vet', 'I keep checking my phone']) expect(left).not.toContain(text);
  });

  it('a channel left on keeps its burst as before: turned to mention, with another channel turned off, a message without a mention still joins', async () => {
    const { discord } = e2e.stack;
    const channel = newChannel('good-news');
    const elsewhere = newChannel('announcements');
    const author = e2e.stack.newMember();
    const say = (content: string, mentionsBot = false) => discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot });
    await feelbotCommand(discord, admin(), 'channel', [textOption('mode', 'always'), channelOption('channel', channel)]);
    const first = say('I got the flat!!', true);
    await queued(first.id);

    await feelbotCommand(discord, admin(), 'channel', [textOption('mode', 'off'), channelOption('channel', elsewhere)]);
    await feelbotCommand(discord, admin(), 'channel', [textOption('mode', 'mention'), channelOption('channel', channel)]);
    const second = say('moving in next month');
    const line = await handled(second.id);

    expect(line).toMatchObject({ msg: 'queued', burst: 2 });
    expect(await jobTextsIn(channel)).toEqual(['I got the flat!!\nmoving in next month']);
    expect(await burstKeysOf(channel, author)).not.toEqual([]);
    expect(await stored()).toContain('moving in next month');
  });
});
