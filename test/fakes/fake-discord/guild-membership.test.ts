import { once } from 'node:events';
import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, type Guild } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './index.js';

describe('the fake Discord: a guild unavailable in an outage, and the bot removed from one, seen by the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  const joined = async (name: string): Promise<string> => {
    const guild = fake.addGuild({ name, ownerId: fake.world.users.owner.id });
    await fake.waitFor(() => client.guilds.cache.get(guild.id)?.available);
    return guild.id;
  };

  it('an outage sends GUILD_DELETE with unavailable: true, and the guild stays, unavailable, until GUILD_CREATE brings it back', async () => {
    const guildId = await joined('outage');
    const raw = once(client.ws, GatewayDispatchEvents.GuildDelete);
    const unavailable = once(client, Events.GuildUnavailable);
    fake.makeGuildUnavailable(guildId);
    expect((await raw)[0]).toEqual({ id: guildId, unavailable: true });
    expect(((await unavailable) as [Guild])[0].id).toBe(guildId);
    expect(client.guilds.cache.get(guildId)?.available).toBe(false);

    const back = once(client.ws, GatewayDispatchEvents.GuildCreate);
    fake.makeGuildAvailable(guildId);
    expect((await back)[0]).toMatchObject({ id: guildId, unavailable: false });
    await fake.waitFor(() => client.guilds.cache.get(guildId)?.available);
  });

  it('a removal sends GUILD_DELETE with the id alone; the client drops the guild, and the bot is no member any more', async () => {
    const guildId = await joined('leaving');
    const raw = once(client.ws, GatewayDispatchEvents.GuildDelete);
    const deleted = once(client, Events.GuildDelete);
    fake.removeBotFromGuild(guildId);
    expect((await raw)[0]).toEqual({ id: guildId });
    expect(((await deleted) as [Guild])[0].id).toBe(guildId);
    expect(client.guilds.cache.has(guildId)).toBe(false);
    expect(fake.store.findMember(guildId, fake.botUser.id)).toBeUndefined();
  });

  it("a new session's READY lists only the guilds the bot is still in: one it was removed from while no client listened is missing", async () => {
    const left = fake.addGuild({ name: 'left while nobody listened', ownerId: fake.world.users.owner.id });
    fake.removeBotFromGuild(left.id);
    const late = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    try {
      const ready = once(late.ws, GatewayDispatchEvents.Ready);
      await late.login(fake.token);
      const [data] = (await ready) as [{ guilds: { id: string; unavailable: boolean }[]; shard: [number, number] }];
      const listed = data.guilds.map((guild) => guild.id);
      expect(listed).toContain(fake.world.guild.id);
      expect(listed).not.toContain(left.id);
      expect(data.shard).toEqual([0, 1]);
      await fake.waitFor(() => late.guilds.cache.get(fake.world.guild.id)?.available);
      expect(late.guilds.cache.has(left.id)).toBe(false);
    } finally {
      await late.destroy();
    }
  });
});
