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
