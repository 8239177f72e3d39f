import { afterAll, beforeAll } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './index.js';

export interface FakeDiscordForFile {
  readonly discord: FakeDiscord;
}

/**
 * A fake Discord for the calling test file (or describe block): started before its tests and
 * closed after them, as usePrivateRedis does for Redis. Read `discord` inside tests and hooks.
 */
export function useFakeDiscord(): FakeDiscordForFile {
  let discord: FakeDiscord | undefined;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord?.close();
  });
  return {
    get discord() {
      return discord!;
    },
  };
}
