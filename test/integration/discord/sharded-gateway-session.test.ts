import { once } from 'node:events';
import { ChannelType, Client, Events, GatewayCloseCodes, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { discordSessionCheck } from '../../../src/gateway/discord-session-check.js';
import { drainable } from '../../../src/gateway/drainable.js';
import { listenForReadies } from '../../../src/gateway/listen-for-readies.js';
import type { LeftGuildSweep } from '../../../src/gateway/sweep-left-guilds.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

/** A guild with a text channel on shard `shardId` of `shardCount`; returns its id. */
function guildOnShard(fake: FakeDiscord, shardId: number, shardCount: number): string {
  const guild = fake.addGuild({ id: fake.guildIdOnShard(shardId, shardCount), name: `shard ${shardId}`, ownerId: fake.world.users.owner.id });
  fake.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' });
  return guild.id;
}

/** One gateway process running several shards: the real discord.js client against a fake Discord that recommends 2. */
describe('a gateway that runs several shards in one process', () => {
  let fake: FakeDiscord | undefined;
  let client: Client | undefined;
  const cleanups: (() => void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await client?.destroy();
    await fake?.close();
    client = undefined;
    fake = undefined;
  });

  it("sweeps at each shard's READY, with that shard's guilds alone", async () => {
    fake = await startFakeDiscord({ recommendedShards: 2 });
    const even = guildOnShard(fake, 0, 2);
    const odd = guildOnShard(fake, 1, 2);
    client = createDiscordClient(fake.apiUrl, 'auto');
    const sweeps: LeftGuildSweep[] = [];
    cleanups.push(listenForReadies(client, drainable(async (sweep: LeftGuildSweep) => void sweeps.push(sweep)), createLogger('silent', 'test')));
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;

    const byShard = [...sweeps].sort((a, b) => a.session.shardId - b.session.shardId).map(({ session }) => session);
    expect(byShard.map(({ shardId, shardCount }) => [shardId, shardCount])).toEqual([[0, 2], [1, 2]]);
    expect(byShard[0]!.guildIds.has(even) && !byShard[0]!.guildIds.has(odd)).toBe(true);
    expect(byShard[1]!.guildIds.has(odd) && !byShard[1]!.guildIds.has(even)).toBe(true);
    expect(new Set([...byShard[0]!.guildIds, ...byShard[1]!.guildIds])).toEqual(new Set(fake.store.guilds.keys()));
  }, 30_000);

  it("reports the Discord session down while one shard is gone for good, though the other still runs", async () => {
    fake = await startFakeDiscord({ recommendedShards: 2 });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, shards: 'auto' });
    const check = discordSessionCheck(client);
    expect(await check()).toBe('down');
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    expect(client.ws.shards.size).toBe(2);
    expect(await check()).toBe('up');

    // A token reset in the portal closes sessions with 4004, and they never come back; here only shard 1's.
    const gone = once(client, Events.ShardDisconnect);
    fake.disconnectGateway(GatewayCloseCodes.AuthenticationFailed, { shardId: 1 });
    const [, shardId] = (await gone) as [unknown, number];
    expect(shardId).toBe(1);
    expect(await check()).toBe('down');
  }, 30_000);
});
