import { RateLimitError, RESTEvents, Routes, type REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { ErrorCodes, isFeelbotError, type FeelbotError } from '../../../src/errors.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

describe("Discord's global rate limit through feelbot's REST client", () => {
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  /** Resolves once the client has read a 429 (and so set its global lock, when the 429 was global). */
  function rateLimitRead(rest: REST): Promise<void> {
    return new Promise((resolve) => {
      rest.on(RESTEvents.Debug, (line) => {
        if (line.includes('429')) resolve();
      });
    });
  }

  it('a global 429 with a short retry_after on one route holds back the next request on another route until it passes', async () => {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const read = rateLimitRead(rest);
    const since = discord.requests.length;
    discord.failNext('GET /users/@me', [{ status: 429, retryAfter: 0.5, global: true }]);
    const first = rest.get(Routes.user('@me'));
    await Promise.race([read, first]);
    await rest.get(Routes.channel(discord.world.channels.text.id));
    await first;
    const requests = discord.requests.slice(since);
    const limited = requests.find((r) => r.path === '/users/@me' && r.status === 429)!;
    const other = requests.find((r) => r.path === `/channels/${discord.world.channels.text.id}`)!;
    expect(other.status).toBe(200);
    expect(other.at - limited.at).toBeGreaterThanOrEqual(500);
    expect(requests.filter((r) => r.path === '/users/@me').map((r) => r.status)).toEqual([429, 200]);
  });

  it('a global 429 asking for 120 s fails the next request on another route with DISCORD_RATE_LIMITED, without sending it', async () => {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const sent = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    discord.failNext('GET /users/@me', [{ status: 429, retryAfter: 120, global: true }]);
    await expect(rest.get(Routes.user('@me'))).rejects.toBeInstanceOf(RateLimitError);
    const since = discord.requests.length;
    const limited = await new InteractionWebhookResponder(rest)
      .editOriginal(discord.applicationId, sent.token, { content: 'Joy, 90% confident.', embeds: [], files: [] })
      .catch((e: unknown) => e);
    expect(isFeelbotError(limited, ErrorCodes.DiscordRateLimited)).toBe(true);
    const { details, message } = limited as FeelbotError;
    expect(details.retryAfterMs).toBeGreaterThanOrEqual(119_000);
    expect(details.retryAfterMs).toBeLessThanOrEqual(121_000);
    expect(message).toMatch(/global rate limit/);
    expect(message).not.toContain(sent.token);
    expect(discord.requests.slice(since)).toHaveLength(0);
  });
});
