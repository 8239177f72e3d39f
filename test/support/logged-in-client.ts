import { once } from 'node:events';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

export interface LoggedInClient {
  readonly discord: FakeDiscord;
  /** A real discord.js client (guilds intent) logged in to `discord` and ready. */
  readonly client: Client;
}

/**
 * A fake Discord and a real discord.js client logged in to it, for the calling test file: started
 * before its tests and stopped after them. Read `discord` and `client` inside tests and hooks.
 */
export function useLoggedInClient(): LoggedInClient {
  let discord: FakeDiscord | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    discord = await startFakeDiscord();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
  });
  afterAll(async () => {
    await client?.destroy();
    await discord?.close();
  });
  return {
    get discord() {
      return discord!;
    },
    get client() {
      return client!;
    },
  };
}
