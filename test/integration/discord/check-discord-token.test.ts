import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDiscordToken } from '../../../src/gateway/check-discord-token.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

describe('the start-up token check (real REST client, fake Discord)', () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  it('a valid token passes', async () => {
    await expect(checkDiscordToken(discord.apiUrl, discord.token)).resolves.toBeUndefined();
  });

  it('a long rate limit at start-up says so, with the wait, instead of "could not reach Discord ()"', async () => {
    discord.failNext('GET /users/@me', [{ status: 429, retryAfter: 120, global: true }]);
    const failure = await checkDiscordToken(discord.apiUrl, discord.token).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'DISCORD_RATE_LIMITED', permanent: false });
    expect((failure as Error).message).toMatch(/rate-limits the bot's start-up requests for 12\d s/);
    expect((failure as Error).message).not.toContain(discord.token);
  });
});
