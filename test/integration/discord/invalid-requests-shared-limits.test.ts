import { Routes, type REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { onceOnlyCopy } from '../../../src/adapters/discord/once-only-rest.js';
import { ErrorCodes } from '../../../src/errors.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import type { FaultResponse } from '../../fakes/fake-discord/faults.js';
import { capturedLogger } from '../../support/captured-logger.js';

/** Short enough that the client waits each 429 out and repeats the request at once. */
const RETRY_AFTER_S = 0.01;

describe("which refusals count toward Discord's invalid-request ban", () => {
  let discord: FakeDiscord;
  let channelPath: string;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    channelPath = `GET /channels/${discord.world.channels.text.id}`;
  });

  afterAll(async () => {
    await discord.close();
  });

  /** A client that warns at every refusal it counts, so one counted refusal is one warning. */
  function watchedRest(): { rest: REST; warnings: () => Array<Record<string, unknown>> } {
    const { logger, lines } = capturedLogger('warn');
    const rest = createDiscordRest(discord.apiUrl, discord.token, { logger, warnEveryInvalid: 1 });
    return { rest, warnings: () => lines.filter((line) => line.code === ErrorCodes.DiscordInvalidRequests) };
  }

  /** Sends GET /channels/{id} once through `rest`, answered first with `fault`, and returns what the fake answered. */
  async function getAfter(rest: REST, fault: FaultResponse): Promise<number[]> {
    const since = discord.requests.length;
    discord.failNext(channelPath, [fault]);
    await rest.get(Routes.channel(discord.world.channels.text.id)).catch((error: unknown) => error);
    return discord.requests.slice(since).map((request) => request.status);
  }

  it("429s of a resource's shared limit (X-RateLimit-Scope: shared), which Discord does not count, raise no DISCORD_INVALID_REQUESTS warning", async () => {
    const { rest, warnings } = watchedRest();
    for (let i = 0; i < 3; i++) {
      expect(await getAfter(rest, { status: 429, retryAfter: RETRY_AFTER_S, scope: 'shared' })).toEqual([429, 200]);
    }
    expect(warnings()).toEqual([]);
    // The same client warns at the bot's own 429, so the silence above was not a deaf listener.
    expect(await getAfter(rest, { status: 429, retryAfter: RETRY_AFTER_S })).toEqual([429, 200]);
    expect(warnings()).toHaveLength(1);
  });

  it("a 429 of the bot's own or the global limit, a 403 and a 401 each count toward the warning", async () => {
    const { rest, warnings } = watchedRest();
    const refusals: FaultResponse[] = [
      { status: 429, retryAfter: RETRY_AFTER_S, scope: 'user' },
      { status: 429, retryAfter: RETRY_AFTER_S, global: true },
      { status: 403, code: 50_013, message: 'Missing Permissions' },
      // Last: a 401 makes the client drop its token.
      { status: 401, message: '401: Unauthorized' },
    ];
    for (const refusal of refusals) expect((await getAfter(rest, refusal))[0]).toBe(refusal.status);
    const counts = warnings().map((warning) => Number(warning.count));
    expect(counts).toHaveLength(refusals.length);
    // One count for the process: wherever it stood, each refusal added one.
    expect(counts.map((count) => count - counts[0]!)).toEqual([0, 1, 2, 3]);
  });

  it("the once-only copy a /feel's follow-up is posted through counts its refusals where its client's are", async () => {
    const { rest, warnings } = watchedRest();
    // It has no bot token: its requests are authorized by an interaction's own (auth: false).
    const copy = onceOnlyCopy(rest);
    discord.failNext(channelPath, [{ status: 403, code: 50_013, message: 'Missing Permissions' }]);
    await expect(copy.get(Routes.channel(discord.world.channels.text.id), { auth: false })).rejects.toMatchObject({ status: 403 });
    expect(warnings()).toHaveLength(1);
  });
});
