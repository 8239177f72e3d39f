import { ChannelType, DiscordAPIError, HTTPError, REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestChannelLookup } from '../../../src/adapters/discord/channel-existence.js';
import { DiscordErrorCode, startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

/** The discord.js REST client with the gateway client's defaults (3 retries of a 5xx), against the fake Discord. */
describe('asking Discord whether a channel still exists', () => {
  let discord: FakeDiscord;
  let lookup: RestChannelLookup;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    lookup = new RestChannelLookup(new REST({ api: discord.apiUrl }).setToken(discord.token));
  });

  afterAll(async () => {
    await discord.close();
  });

  const statusesOf = (channelId: string) => discord.requests.filter((request) => request.path === `/channels/${channelId}`).map((request) => request.status);

  it('a channel, and an archived thread, exist', async () => {
    const { guild, channels, users } = discord.world;
    const archived = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'done', parentId: channels.text.id, ownerId: users.member.id });
    discord.closeThread(archived.id);
    expect(await lookup.existence(channels.text.id)).toEqual({ state: 'exists' });
    expect(await lookup.existence(archived.id)).toEqual({ state: 'exists' });
  });

  it('a deleted channel, answered 404 Unknown Channel (10003), is gone', async () => {
    const doomed = discord.addChannel({ guildId: discord.world.guild.id, type: ChannelType.GuildText, name: 'doomed' });
    discord.deleteChannel(doomed.id);
    expect(await lookup.existence(doomed.id)).toEqual({ state: 'gone' });
    expect(statusesOf(doomed.id)).toEqual([404]);
  });

  it('403 Missing Access, a 404 with another code, and a 500 that outlives the retries are unsure, with the error', async () => {
    const [forbidden, otherNotFound, failing] = [discord.newId(), discord.newId(), discord.newId()];
    discord.failNext(`GET /channels/${forbidden}`, [{ status: 403, code: DiscordErrorCode.MissingAccess, message: 'Missing Access' }]);
    discord.failNext(`GET /channels/${otherNotFound}`, [{ status: 404, code: 0, message: '404: Not Found' }]);
    discord.failNext(`GET /channels/${failing}`, Array.from({ length: 4 }, () => ({ status: 500 })));

    const refused = await lookup.existence(forbidden);
    expect(refused).toMatchObject({ state: 'unsure' });
    expect(refused.state === 'unsure' && refused.error).toBeInstanceOf(DiscordAPIError);
    expect(await lookup.existence(otherNotFound)).toMatchObject({ state: 'unsure' });
    const failed = await lookup.existence(failing);
    expect(failed.state === 'unsure' && failed.error).toBeInstanceOf(HTTPError);
    expect(statusesOf(failing)).toEqual([500, 500, 500, 500]);
  });

  it('a lookup cut short by its signal is unsure, and never rejects', async () => {
    const held = discord.newId();
    const release = discord.holdNext(`GET /channels/${held}`);
    const stop = new AbortController();
    const pending = lookup.existence(held, stop.signal);
    await discord.waitFor(() => statusesOf(held).length > 0);
    stop.abort();
    expect(await pending).toMatchObject({ state: 'unsure' });
    release();
  });
});
