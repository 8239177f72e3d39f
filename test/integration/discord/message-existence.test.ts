import { ChannelType, DiscordAPIError, HTTPError, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { RestMessageLookup } from '../../../src/adapters/discord/message-existence.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

/** The worker's discord.js REST client (3 retries of a 5xx), against the fake Discord. */
describe("asking Discord whether a long-waiting reply's message still exists", () => {
  let discord: FakeDiscord;
  let lookup: RestMessageLookup;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    lookup = new RestMessageLookup(createDiscordRest(discord.apiUrl, discord.token));
  });

  afterAll(async () => {
    await discord.close();
  });

  const statusesOf = (channelId: string, messageId: string) =>
    discord.requests.filter((request) => request.method === 'GET' && request.path === `/channels/${channelId}/messages/${messageId}`).map((request) => request.status);
  const say = (channelId: string, authorId = discord.world.users.member.id) => discord.sendMessage({ channelId, authorId, content: 'I am so sad today' }).id;

  it('a message still there exists, in a server channel and in a DM', async () => {
    const { channels } = discord.world;
    const [inChannel, inDm] = [say(channels.text.id), say(channels.dm.id)];
    expect(await lookup.existence(channels.text.id, inChannel)).toEqual({ state: 'exists' });
    expect(await lookup.existence(channels.dm.id, inDm)).toEqual({ state: 'exists' });
  });

  it('a deleted message, answered 404 Unknown Message (10008), is gone, in a server channel and in a DM', async () => {
    const { channels } = discord.world;
    for (const channelId of [channels.text.id, channels.dm.id]) {
      const messageId = say(channelId);
      discord.deleteMessage(channelId, messageId);
      expect(await lookup.existence(channelId, messageId)).toEqual({ state: 'message-gone' });
      expect(statusesOf(channelId, messageId)).toEqual([404]);
    }
  });

  it('a deleted channel, and a thread gone with its deleted channel, answered 404 Unknown Channel (10003), are gone with their messages', async () => {
    const { guild, users } = discord.world;
    const parent = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'doomed' }).id;
    const thread = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'vent', parentId: parent, ownerId: users.member.id }).id;
    const [inParent, inThread] = [say(parent), say(thread)];
    discord.deleteChannel(parent);
    expect(await lookup.existence(parent, inParent)).toEqual({ state: 'channel-gone' });
    expect(await lookup.existence(thread, inThread)).toEqual({ state: 'channel-gone' });
    expect([...statusesOf(parent, inParent), ...statusesOf(thread, inThread)]).toEqual([404, 404]);
  });

  it('403 without Read Message History, and a 500 that outlives the retries, are unsure, with the error', async () => {
    const { guild, roles } = discord.world;
    const noHistory = discord.addChannel({
      guildId: guild.id,
      type: ChannelType.GuildText,
      name: 'no-history',
      overwrites: [{ id: roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }],
    }).id;
    const [refusedId, failingId] = [say(noHistory), say(discord.world.channels.text.id)];
    discord.failNext(`GET /channels/${discord.world.channels.text.id}/messages/${failingId}`, Array.from({ length: 4 }, () => ({ status: 500 })));

    const refused = await lookup.existence(noHistory, refusedId);
    expect(refused.state === 'unsure' && refused.error).toBeInstanceOf(DiscordAPIError);
    expect(statusesOf(noHistory, refusedId)).toEqual([403]);
    const failed = await lookup.existence(discord.world.channels.text.id, failingId);
    expect(failed.state === 'unsure' && failed.error).toBeInstanceOf(HTTPError);
    expect(statusesOf(discord.world.channels.text.id, failingId)).toEqual([500, 500, 500, 500]);
  });

  it('a lookup cut short by its signal is unsure, and never rejects', async () => {
    const channelId = discord.world.channels.text.id;
    const held = say(channelId);
    const release = discord.holdNext(`GET /channels/${channelId}/messages/${held}`);
    const stop = new AbortController();
    const pending = lookup.existence(channelId, held, stop.signal);
    await discord.waitFor(() => statusesOf(channelId, held).length > 0);
    stop.abort();
    expect(await pending).toMatchObject({ state: 'unsure' });
    release();
  });
});

/** One page of a channel's history, asked for by a long-waiting reply to confirm its context. */
describe("listing the messages a long-waiting reply quotes", () => {
  let discord: FakeDiscord;
  let lookup: RestMessageLookup;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    lookup = new RestMessageLookup(createDiscordRest(discord.apiUrl, discord.token));
  });

  afterAll(async () => {
    await discord.close();
  });

  const say = (channelId: string, content = 'I am so sad today') => discord.sendMessage({ channelId, authorId: discord.world.users.member.id, content }).id;
  const pagesOf = (channelId: string) => discord.requests.filter((request) => request.method === 'GET' && request.path === `/channels/${channelId}/messages`);

  it('lists the messages up to the newest one asked for, that one included, and not a deleted one nor a later one', async () => {
    const channelId = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'quiet' }).id;
    const [first, deleted, newest, later] = [say(channelId), say(channelId), say(channelId), say(channelId)];
    discord.deleteMessage(channelId, deleted);

    const page = await lookup.pageThrough(channelId, newest);

    expect(page.state === 'listed' && [...page.messageIds].sort()).toEqual([first, newest].sort());
    expect(page.state === 'listed' && page.messageIds).not.toContain(later);
    expect(pagesOf(channelId).map((request) => request.query)).toEqual([{ before: (BigInt(newest) + 1n).toString(), limit: '100' }]);
  });

  it('lists at most one page of 100: a message further back is not on it', async () => {
    const channelId = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'busy' }).id;
    const old = say(channelId);
    const recent = Array.from({ length: 100 }, () => say(channelId));

    const page = await lookup.pageThrough(channelId, recent.at(-1)!);

    expect(page.state === 'listed' && page.messageIds.length).toBe(100);
    expect(page.state === 'listed' && page.messageIds).not.toContain(old);
  });

  it('is unsure when Discord refuses (a 500 that outlives the retries) or no longer has the channel, and lists nothing without Read Message History', async () => {
    const { guild, roles, channels } = discord.world;
    const noHistory = discord.addChannel({
      guildId: guild.id,
      type: ChannelType.GuildText,
      name: 'no-history',
      overwrites: [{ id: roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }],
    }).id;
    const doomed = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'doomed' }).id;
    const [hidden, gone, failing] = [say(noHistory), say(doomed), say(channels.text.id)];
    discord.deleteChannel(doomed);
    discord.failNext(`GET /channels/${channels.text.id}/messages`, Array.from({ length: 4 }, () => ({ status: 500 })));

    expect(await lookup.pageThrough(noHistory, hidden)).toEqual({ state: 'listed', messageIds: [] });
    expect(await lookup.pageThrough(doomed, gone)).toMatchObject({ state: 'unsure', error: expect.any(DiscordAPIError) });
    expect(await lookup.pageThrough(channels.text.id, failing)).toMatchObject({ state: 'unsure', error: expect.any(HTTPError) });
  });
});
