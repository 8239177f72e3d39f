import { ChannelType } from 'discord-api-types/v10';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';
import { channelOption, feelbotCommand, textOption, type CommandOption } from '../support/feelbot-command.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/**
 * /feelbot as admins use it, on a real gateway process (no worker: a queued reply job stays in
 * the queue to be looked at) with the real discord.js client against the fake Discord.
 */
describe('/feelbot changes where feelbot speaks', () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let settings: RedisSettingsStore;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    // A long burst window keeps every reply job delayed, so a test sees it before any worker could.
    gateway = await stack.spawn('gateway', { BURST_WINDOW_MS: '30000' });
    settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    await settings.update(guildId(), () => DEFAULT_GUILD_SETTINGS);
  });

  const discord = () => stack.discord;
  const guildId = () => discord().world.guild.id;
  const mode = (value: string) => textOption('mode', value);
  const channel = (id: string) => channelOption('channel', id);

  const runSettings = (userId: string, subcommand: string, options: CommandOption[], channelId?: string) => feelbotCommand(discord(), userId, subcommand, options, channelId);
  const asAdmin = (subcommand: string, options: CommandOption[], channelId?: string) => runSettings(discord().world.users.admin.id, subcommand, options, channelId);

  /** A message from a member of its own in `channelId`, unaddressed unless `mentionsBot`. */
  const say = (channelId: string, content: string, mentionsBot = false) =>
    discord().sendMessage({ channelId, authorId: stack.newMember(), content, mentionsBot });
  const queued = (messageId: string) => gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 10_000);
  /** The gateway decided the bot is off where the message was: nothing was asked of Discord or queued. */
  async function keptQuiet(messageId: string): Promise<void> {
    await gateway.waitForLog((line) => line.msg === 'the bot is off here' && line.messageId === messageId, 10_000);
    expect(await stack.replyQueue().getJob(messageJobId(messageId))).toBeUndefined();
  }
  const freshChannel = (name: string, parentId?: string) =>
    discord().addChannel({ guildId: guildId(), type: ChannelType.GuildText, name, ...(parentId ? { parentId } : {}) });

  it('with the default mode set to off by an admin, a mention in a channel with no mode of its own is not queued, and a channel given one is answered', async () => {
    const answer = await asAdmin('default', [mode('off')]);
    expect(answer).toMatch(/reply mode is now \*\*off\*\*/);
    expect(answer).toContain('**Default mode:** off');
    expect((await settings.get(guildId())).defaultMode).toBe('off');

    const fresh = freshChannel('fresh');
    await keptQuiet(say(fresh.id, 'hello bot, I am so happy today!', true).id);

    // Opted in: one channel given a mode of its own.
    const invited = freshChannel('invited');
    await asAdmin('channel', [mode('mention'), channel(invited.id)]);
    await queued(say(invited.id, 'hello bot, I am so happy today!', true).id);
  });

  it("a channel's own mode, taken away with inherit, gives way to its category's again", async () => {
    const { category, categorized } = discord().world.channels;
    await asAdmin('channel', [mode('off'), channel(category.id)]);
    await asAdmin('channel', [mode('always'), channel(categorized.id)]);
    await queued(say(categorized.id, 'I am so happy about the news today').id);

    const answer = await asAdmin('channel', [mode('inherit'), channel(categorized.id)]);
    expect(answer).toMatch(new RegExp(`<#${categorized.id}> has no mode of its own now.*\\*\\*off\\*\\* at present`));
    expect((await settings.get(guildId())).modes).toEqual({ [category.id]: 'off' });
    await keptQuiet(say(categorized.id, 'hello bot, I am so happy today!', true).id);
  });

  it('/feelbot channel mode:inherit run in a thread, with no channel named, takes away the mode an earlier run pinned on the thread', async () => {
    const parent = freshChannel('thread-parent');
    const thread = discord().addChannel({ guildId: guildId(), type: ChannelType.PublicThread, name: 'side talk', parentId: parent.id, ownerId: discord().world.users.member.id });
    await asAdmin('channel', [mode('off'), channel(parent.id)]);
    await asAdmin('channel', [mode('always')], thread.id);
    expect((await settings.get(guildId())).modes[thread.id]).toBe('always');
    await queued(say(thread.id, 'I am so happy about the news today').id);

    await asAdmin('channel', [mode('inherit')], thread.id);
    expect((await settings.get(guildId())).modes).toEqual({ [parent.id]: 'off' });
    await keptQuiet(say(thread.id, 'hello bot, I am so happy today!', true).id);
  });

  it('a member without Manage Server who sends the new subcommands anyway is refused and nothing changes; an admin sending the same is not', async () => {
    const { categorized } = discord().world.channels;
    await settings.update(guildId(), (current) => ({ ...current, modes: { [categorized.id]: 'always' } }));
    const member = discord().world.users.member.id;
    for (const [subcommand, options] of [
      ['default', [mode('off')]],
      ['channel', [mode('inherit'), channel(categorized.id)]],
      ['logchannel', []],
    ] as const) {
      expect(await runSettings(member, subcommand, [...options]), subcommand).toMatch(/Only members with the Manage Server permission/);
    }
    expect(await settings.get(guildId())).toEqual({ ...DEFAULT_GUILD_SETTINGS, modes: { [categorized.id]: 'always' } });

    await asAdmin('default', [mode('off')]);
    await asAdmin('channel', [mode('inherit'), channel(categorized.id)]);
    expect(await settings.get(guildId())).toEqual({ ...DEFAULT_GUILD_SETTINGS, defaultMode: 'off', modes: {} });
  });

  it('/feelbot logchannel with no channel stops the notices, and /feelbot settings no longer lists the old channel', async () => {
    const modLog = freshChannel('mod-log');
    expect(await asAdmin('logchannel', [channel(modLog.id)])).toContain(`**Log channel:** <#${modLog.id}>`);
    const answer = await asAdmin('logchannel', []);
    expect(answer).toMatch(/Admin notices go nowhere now/);
    expect(answer).toContain('**Log channel:** none');
    expect((await settings.get(guildId())).logChannelId).toBeUndefined();
    expect(await asAdmin('settings', [])).toContain('**Log channel:** none');
  });
});
