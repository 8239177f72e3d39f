import { Client, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { drainable } from '../../../src/gateway/drainable.js';
import { listenForReadies } from '../../../src/gateway/listen-for-readies.js';
import type { LeftGuildSweep } from '../../../src/gateway/sweep-left-guilds.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

/** What the real discord.js client hands the left-guild sweep, against the fake Discord. */
describe('the READY a left-guild sweep is given', () => {
  let fake: FakeDiscord;
  let client: Client;
  let stopListening: () => void;
  const sweeps: LeftGuildSweep[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    fake = await startFakeDiscord();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    // A sweep that runs until the test lets it end, as a long SCAN would.
    const sweeper = drainable(async (sweep: LeftGuildSweep) => {
      sweeps.push(sweep);
      await held;
    });
    stopListening = listenForReadies(client, sweeper, createLogger('silent', 'test'));
    await client.login(fake.token);
  });

  afterAll(async () => {
    release();
    stopListening?.();
    await client?.destroy();
    await fake?.close();
  });

  it("lists the session's guilds and shard, and the guilds joined while the sweep runs; a RESUMED starts no sweep", async () => {
    const [sweep] = await fake.waitFor(() => sweeps.length > 0 && sweeps);
    expect(sweep!.session).toEqual({ shardId: 0, shardCount: 1, guildIds: new Set([fake.world.guild.id]) });

    const joined = fake.addGuild({ name: 'joined during the sweep', ownerId: fake.world.users.owner.id });
    await fake.waitFor(() => sweep!.joinedSince.has(joined.id), { timeoutMs: 5_000 });

    const resumes = fake.gatewayStats.resumes;
    fake.disconnectGateway();
    await fake.waitFor(() => fake.gatewayStats.resumes > resumes, { timeoutMs: 20_000 });
    // Dispatched after the RESUMED: once the client holds it, it has taken the RESUMED in.
    const later = fake.addGuild({ name: 'joined after the resume', ownerId: fake.world.users.owner.id });
    await fake.waitFor(() => client.guilds.cache.has(later.id), { timeoutMs: 5_000 });
    expect(sweeps).toHaveLength(1);
  }, 30_000);
});
