import { once } from 'node:events';
import { ChannelType, Client, Events, GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, type ClientOptions } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './index.js';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages];

/** A guild with a text channel, on shard `shardId` of `shardCount`. */
function guildOnShard(fake: FakeDiscord, shardId: number, shardCount: number) {
  const guild = fake.addGuild({ id: fake.guildIdOnShard(shardId, shardCount), name: `shard ${shardId}`, ownerId: fake.world.users.owner.id });
  fake.addMember({ guildId: guild.id, userId: fake.world.users.member.id });
  const channel = fake.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' });
  return { guild, channel };
}

/** Every dispatch a client's shards take in, with the shard that took it. */
function rawDispatches(client: Client): { t: string; d: { id?: string; guilds?: { id: string }[] }; shardId: number }[] {
  const seen: { t: string; d: { id?: string; guilds?: { id: string }[] }; shardId: number }[] = [];
  client.on(Events.Raw, (packet: { t: string; d: never }, shardId: number) => seen.push({ t: packet.t, d: packet.d, shardId }));
  return seen;
}

describe('the fake Discord shards as Discord does', () => {
  let fake: FakeDiscord | undefined;
  const clients: Client[] = [];

  const clientOf = (options: Partial<ClientOptions>) => {
    const client = new Client({ intents: INTENTS, rest: { api: fake!.apiUrl }, ...options });
    clients.push(client);
    return client;
  };
  const logIn = async (client: Client) => {
    const ready = once(client, Events.ClientReady);
    await client.login(fake!.token);
    await ready;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()));
    await fake?.close();
    fake = undefined;
  });

  it("recommends its shard count; each shard's READY lists only its guilds, each guild's events reach only its shard, and DMs shard 0", async () => {
    fake = await startFakeDiscord({ recommendedShards: 2 });
    const even = guildOnShard(fake, 0, 2);
    const odd = guildOnShard(fake, 1, 2);
    const client = clientOf({ shards: 'auto' });
    const seen = rawDispatches(client);
    await logIn(client);

    expect(client.ws.shards.size).toBe(2);
    expect(fake.gatewayStats.identifiedShards).toEqual([[0, 2], [1, 2]]);
    const readyOf = (shardId: number) => seen.find((event) => event.t === GatewayDispatchEvents.Ready && event.shardId === shardId)!.d.guilds!.map(({ id }) => id);
    expect(readyOf(0)).toContain(even.guild.id);
    expect(readyOf(0)).not.toContain(odd.guild.id);
    expect(readyOf(1)).toContain(odd.guild.id);
    expect(readyOf(1)).not.toContain(even.guild.id);
    expect([...readyOf(0), ...readyOf(1)].sort()).toEqual([...fake.store.guilds.keys()].sort());

    const inEven = fake.sendMessage({ channelId: even.channel.id, authorId: fake.world.users.member.id, content: 'even' });
    const inOdd = fake.sendMessage({ channelId: odd.channel.id, authorId: fake.world.users.member.id, content: 'odd' });
    const inDm = fake.sendMessage({ channelId: fake.world.channels.dm.id, authorId: fake.world.users.member.id, content: 'dm' });
    const shardsOf = (id: string) => seen.filter((event) => event.t === GatewayDispatchEvents.MessageCreate && event.d.id === id).map((event) => event.shardId);
    await fake.waitFor(() => shardsOf(inDm.id).length > 0 && shardsOf(inOdd.id).length > 0 && shardsOf(inEven.id).length > 0, { timeoutMs: 5_000 });
    expect({ even: shardsOf(inEven.id), odd: shardsOf(inOdd.id), dm: shardsOf(inDm.id) }).toEqual({ even: [0], odd: [1], dm: [0] });
  }, 30_000);

  it("two clients of one shard each, as two gateways: each gets its own shard's guild messages and never the other's", async () => {
    fake = await startFakeDiscord({ requiredShards: 2 });
    const even = guildOnShard(fake, 0, 2);
    const odd = guildOnShard(fake, 1, 2);
    const first = clientOf({ shards: [0], shardCount: 2 });
    const second = clientOf({ shards: [1], shardCount: 2 });
    const seenByFirst = rawDispatches(first);
    const seenBySecond = rawDispatches(second);
    await Promise.all([logIn(first), logIn(second)]);

    const inEven = fake.sendMessage({ channelId: even.channel.id, authorId: fake.world.users.member.id, content: 'even' });
    const inOdd = fake.sendMessage({ channelId: odd.channel.id, authorId: fake.world.users.member.id, content: 'odd' });
    const messagesOf = (seen: typeof seenByFirst) => seen.filter((event) => event.t === GatewayDispatchEvents.MessageCreate).map((event) => event.d.id);
    await fake.waitFor(() => messagesOf(seenByFirst).includes(inEven.id) && messagesOf(seenBySecond).includes(inOdd.id), { timeoutMs: 5_000 });
    // A later message of each shard: once it is in, an earlier stray one would have been too.
    const lastEven = fake.sendMessage({ channelId: even.channel.id, authorId: fake.world.users.member.id, content: 'even again' });
    const lastOdd = fake.sendMessage({ channelId: odd.channel.id, authorId: fake.world.users.member.id, content: 'odd again' });
    await fake.waitFor(() => messagesOf(seenByFirst).includes(lastEven.id) && messagesOf(seenBySecond).includes(lastOdd.id), { timeoutMs: 5_000 });
    expect(messagesOf(seenByFirst)).toEqual([inEven.id, lastEven.id]);
    expect(messagesOf(seenBySecond)).toEqual([inOdd.id, lastOdd.id]);
    expect(first.guilds.cache.has(odd.guild.id)).toBe(false);
    expect(second.guilds.cache.has(even.guild.id)).toBe(false);
  }, 30_000);

  it('closes an IDENTIFY with fewer shards than it requires with 4011, and one with a shard id not below its count with 4010', async () => {
    fake = await startFakeDiscord({ requiredShards: 2 });
    const closesWith = async (options: Partial<ClientOptions>) => {
      const client = clientOf(options);
      const codes: number[] = [];
      client.on(Events.ShardDisconnect, (event) => codes.push(event.code));
      await expect(client.login(fake!.token)).rejects.toThrow();
      return codes;
    };
    expect(await closesWith({ shards: [0], shardCount: 1 })).toEqual([GatewayCloseCodes.ShardingRequired]);
    expect(await closesWith({ shards: [2], shardCount: 2 })).toEqual([GatewayCloseCodes.InvalidShard]);
    expect(fake.gatewayStats.identifies).toBe(0);
  }, 30_000);

  it('unsharded, as before: one session gets every guild and every event', async () => {
    fake = await startFakeDiscord();
    const other = guildOnShard(fake, 1, 2);
    const client = clientOf({});
    await logIn(client);
    expect(fake.gatewayStats.identifiedShards).toEqual([[0, 1]]);
    expect(client.guilds.cache.has(other.guild.id) && client.guilds.cache.has(fake.world.guild.id)).toBe(true);
    const received = once(client, Events.MessageCreate);
    fake.sendMessage({ channelId: other.channel.id, authorId: fake.world.users.member.id, content: 'still here' });
    const [message] = (await received) as [{ content: string }];
    expect(message.content).toBe('still here');
  }, 30_000);
});
