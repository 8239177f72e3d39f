import { ApplicationCommandOptionType, ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src/domain/emotions.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { channelOption, feelbotCommand, flagOption, textOption, type CommandOption } from '../support/feelbot-command.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * /feelbot as admins use it, on a real gateway process (no worker: a queued reply job stays in
 * the queue to be looked at) with the real discord.js client against the fake Discord.
 */
describe('/feelbot changes where feelbot speaks', () => {
  // A long burst window keeps every reply job delayed, so a test sees it before any worker could.
  const e2e = useFeelbotStack({ gateway: { BURST_WINDOW_MS: '30000' }, freshSettings: true });

  const discord = () => e2e.stack.discord;
  const guildId = () => discord().world.guild.id;
  const mode = (value: string) => textOption('mode', value);
  const channel = (id: string) => channelOption('channel', id);

  const runSettings = (userId: string, subcommand: string, options: CommandOption[], channelId?: string) => feelbotCommand(discord(), userId, subcommand, options, channelId);
  const asAdmin = (subcommand: string, options: CommandOption[], channelId?: string) => runSettings(discord().world.users.admin.id, subcommand, options, channelId);

  /** A message from a member of its own in `channelId`, unaddressed unless `mentionsBot`. */
  const say = (channelId: string, content: string, mentionsBot = false) =>
    discord().sendMessage({ channelId, authorId: e2e.stack.newMember(), content, mentionsBot });
  const queued = (messageId: string) => e2e.gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 10_000);
  /** The gateway decided the bot is off where the message was: nothing was asked of Discord or queued. */
  async function keptQuiet(messageId: string): Promise<void> {
    await e2e.gateway.waitForLog((line) => line.msg === 'the bot is off here' && line.messageId === messageId, 10_000);
    expect(await e2e.stack.replyQueue().getJob(messageJobId(messageId))).toBeUndefined();
  }
  const freshChannel = (name: string, parentId?: string) =>
    discord().addChannel({ guildId: guildId(), type: ChannelType.GuildText, name, ...(parentId ? { parentId } : {}) });

  it('with the default mode set to off by an admin, a mention in a channel with no mode of its own is not queued, and a channel given one is answered', async () => {
    const answer = await asAdmin('default', [mode('off')]);
    expect(answer).toMatch(/reply mode is now \*\*off\*\*/);
    expect(answer).toContain('**Default mode:** off');
    expect((await e2e.settings.get(guildId())).defaultMode).toBe('off');

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
    expect((await e2e.settings.get(guildId())).modes).toEqual({ [category.id]: 'off' });
    await keptQuiet(say(categorized.id, 'hello bot, I am so happy today!', true).id);
  });

  it('/feelbot channel mode:inherit run in a thread, with no channel named, takes away the mode an earlier run pinned on the thread', async () => {
    const parent = freshChannel('thread-parent');
    const thread = discord().addChannel({ guildId: guildId(), type: ChannelType.PublicThread, name: 'side talk', parentId: parent.id, ownerId: discord().world.users.member.id });
    await asAdmin('channel', [mode('off'), channel(parent.id)]);
    await asAdmin('channel', [mode('always')], thread.id);
    expect((await e2e.settings.get(guildId())).modes[thread.id]).toBe('always');
    await queued(say(thread.id, 'I am so happy about the news today').id);

    await asAdmin('channel', [mode('inherit')], thread.id);
    expect((await e2e.settings.get(guildId())).modes).toEqual({ [parent.id]: 'off' });
    await keptQuiet(say(thread.id, 'hello bot, I am so happy today!', true).id);
  });

  it('a member without Manage Server who sends the new subcommands anyway is refused and nothing changes; an admin sending the same is not', async () => {
    const { categorized } = discord().world.channels;
    await e2e.settings.update(guildId(), (current) => ({ ...current, modes: { [categorized.id]: 'always' } }));
    const member = discord().world.users.member.id;
    for (const [subcommand, options] of [
      ['default', [mode('off')]],
      ['channel', [mode('inherit'), channel(categorized.id)]],
      ['logchannel', []],
    ] as const) {
      expect(await runSettings(member, subcommand, [...options]), subcommand).toMatch(/Only members with the Manage Server permission/);
    }
    expect(await e2e.settings.get(guildId())).toEqual({ ...DEFAULT_GUILD_SETTINGS, modes: { [categorized.id]: 'always' } });

    await asAdmin('default', [mode('off')]);
    await asAdmin('channel', [mode('inherit'), channel(categorized.id)]);
    expect(await e2e.settings.get(guildId())).toEqual({ ...DEFAULT_GUILD_SETTINGS, defaultMode: 'off', modes: {} });
  });

  it('/feelbot logchannel with no channel stops the notices, and /feelbot settings no longer lists the old channel', async () => {
    const modLog = freshChannel('mod-log');
    expect(await asAdmin('logchannel', [channel(modLog.id)])).toContain(`**Log channel:** <#${modLog.id}>`);
    const answer = await asAdmin('logchannel', []);
    expect(answer).toMatch(/Admin notices go nowhere now/);
    expect(answer).toContain('**Log channel:** none');
    expect((await e2e.settings.get(guildId())).logChannelId).toBeUndefined();
    expect(await asAdmin('settings', [])).toContain('**Log channel:** none');
  });

  it('/feelbot channel or logchannel naming a channel of another server is refused, and nothing changes', async () => {
    const other = discord().addGuild({ name: 'another server', ownerId: discord().world.users.owner.id });
    const elsewhere = discord().addChannel({ guildId: other.id, type: ChannelType.GuildText, name: 'elsewhere' });
    expect(await asAdmin('channel', [mode('always'), channel(elsewhere.id)])).toMatch(new RegExp(`<#${elsewhere.id}> is not a channel of this server`));
    expect(await asAdmin('logchannel', [channel(elsewhere.id)])).toMatch(new RegExp(`<#${elsewhere.id}> is not a channel of this server`));
    expect(await e2e.settings.get(guildId())).toEqual(DEFAULT_GUILD_SETTINGS);
  });

  describe('/feelbot persona', () => {
    const persona = (name: string, options: CommandOption[], enabled = true) => asAdmin('persona', [textOption('name', name), flagOption('enabled', enabled), ...options]);
    const key = () => `${e2e.stack.prefix}:settings:${guildId()}`;

    it('an avatar_url Discord would answer "Not a well formed URL" (a host without a dot, an IP address, a user and password) is refused and nothing is stored; one on a named host is stored', async () => {
      for (const url of ['https://avatars/joy.png', 'https://-/', 'https://203.0.113.7/joy.png', 'https://[2001:db8::1]/joy.png', 'https://ann:secret@cdn.example.com/joy.png']) {
        expect(await persona('joy', [textOption('avatar_url', url)]), url).toMatch(/avatar must be an https URL .*named host/i);
      }
      expect((await e2e.settings.get(guildId())).personaLooks).toEqual({});

      await persona('joy', [textOption('avatar_url', 'https://cdn.example.com/joy.png')]);
      expect((await e2e.settings.get(guildId())).personaLooks).toEqual({ joy: { avatarUrl: 'https://cdn.example.com/joy.png' } });
    });

    it('a display_name that spells "discord" only across a space ("Cold is cordial") is stored; one that hides it behind a zero-width space is refused', async () => {
      expect(await persona('joy', [textOption('display_name', 'Cold is cordial')])).toMatch(/Joy is now allowed/);
      expect((await e2e.settings.get(guildId())).personaLooks.joy?.name).toBe('Cold is cordial');

      expect(await persona('fear', [textOption('display_name', 'Disc\u200bord fan')])).toMatch(/Discord refuses others/);
      expect((await e2e.settings.get(guildId())).personaLooks.fear).toBeUndefined();
    });

    it("fields of a persona's look written by another feelbot version stay through an unrelated change and a change of that look (an upgrade or a roll-back loses none)", async () => {
      await e2e.stack.redisConnection().set(key(), JSON.stringify({ ...DEFAULT_GUILD_SETTINGS, personaLooks: { joy: { name: 'Sunny', accentColor: '#ffcc00' } } }));
      const stored = async () => JSON.parse((await e2e.stack.redisConnection().get(key()))!) as { userCooldownSeconds: number; personaLooks: Record<string, unknown> };

      await asAdmin('cooldown', [{ name: 'user', type: ApplicationCommandOptionType.Integer, value: 30 }]);
      expect(await stored()).toMatchObject({ userCooldownSeconds: 30, personaLooks: { joy: { name: 'Sunny', accentColor: '#ffcc00' } } });

      await persona('joy', [textOption('avatar_url', 'https://cdn.example.com/sunny.png')], false);
      expect((await stored()).personaLooks.joy).toEqual({ name: 'Sunny', accentColor: '#ffcc00', avatarUrl: 'https://cdn.example.com/sunny.png' });
    });

    it("a display_name that is another persona's name here (its own, in any case, or the look this server gave it) is refused, naming that persona, and nothing is stored", async () => {
      for (const name of ['Joy', 'joy', '  JOY ', 'Jo\u200by']) {
        const answer = await persona('anger', [textOption('display_name', name)]);
        expect(answer, name).toMatch(/already the name Joy \(the joy persona\) shows in this server/);
        expect(answer, name).toMatch(/nothing changed/);
      }
      expect((await e2e.settings.get(guildId())).personaLooks).toEqual({});

      expect(await persona('joy', [textOption('display_name', 'Sunny')])).toMatch(/Joy is now allowed/);
      expect(await persona('fear', [textOption('display_name', 'sunny')])).toMatch(/"sunny" is already the name Sunny \(the joy persona\) shows in this server/);
      // The name Joy was given by the operator stays Joy's while this server shows it as Sunny: a reset would bring it back.
      expect(await persona('fear', [textOption('display_name', 'Joy')])).toMatch(/the name Joy \(the joy persona\) has by default, and shows again when its look is reset/);
      expect((await e2e.settings.get(guildId())).personaLooks).toEqual({ joy: { name: 'Sunny' } });
    });

    it('a persona may be given its own name back, in any case, and a name no other persona has', async () => {
      expect(await persona('joy', [textOption('display_name', 'JOY')])).toMatch(/Joy is now allowed/);
      expect(await persona('anger', [textOption('display_name', 'Grumpy')])).toMatch(/Anger is now allowed/);
      expect((await e2e.settings.get(guildId())).personaLooks).toEqual({ joy: { name: 'JOY' }, anger: { name: 'Grumpy' } });
    });

    it('silencing the last allowed persona is done, with a warning that feelbot now answers no one in this server', async () => {
      const [last, ...others] = EMOTIONS;
      for (const emotion of others) expect(await persona(emotion, [], false)).not.toMatch(/answer no one/);
      const answer = await persona(last, [], false);
      expect(answer).toMatch(/every persona is silent: feelbot will now answer no one in this server/i);
      expect((await e2e.settings.get(guildId())).disabledPersonas).toEqual([...EMOTIONS]);
    });
  });
});
