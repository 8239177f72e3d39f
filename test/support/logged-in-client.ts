import { once } from 'node:events';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

export interface LoggedInClient {
  readonly discord: FakeDiscord;
  /** A real discord.js client (guilds intent) logged in to `discord` and ready. */
  readonly client: Client;
}

/** A discord.js client with only the guilds intent, talking to the fake's REST at `apiUrl`. */
function guildsClient(apiUrl: string): Client {
  return new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
}

/**
 * A fake Discord and a real discord.js client logged in to it, for the calling test file: started
 * before its tests and stopped after them. Read `discord` and `client` inside tests and hooks.
 * `createClient` makes the client (the gateway's own createDiscordClient, say); a guilds-only one by default.
 */
export function useLoggedInClient(createClient: (apiUrl: string) => Client = guildsClient): LoggedInClient {
  let discord: FakeDiscord | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    discord = await startFakeDiscord();
    client = createClient(discord.apiUrl);
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
