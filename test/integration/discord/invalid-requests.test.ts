import { Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { ErrorCodes } from '../../../src/errors.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';

/** Small enough for a test to reach; the app warns every INVALID_REQUEST_WARNING_EVERY. */
const EVERY = 3;
const REFUSED = { status: 403, code: 50_013, message: 'Missing Permissions' };

describe("refused requests on the way to Discord's IP ban", () => {
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  it('a process warns, with a code, how many of its requests Discord refused and how long its window has left', async () => {
    const { logger, lines } = capturedLogger('warn');
    const rest = createDiscordRest(discord.apiUrl, discord.token, { logger, warnEveryInvalid: EVERY });
    const path = `/channels/${discord.world.channels.text.id}`;
    discord.failNext(`GET ${path}`, Array.from({ length: EVERY * 2 }, () => REFUSED));
    for (let i = 0; i < EVERY * 2; i++) await expect(rest.get(Routes.channel(discord.world.channels.text.id))).rejects.toMatchObject({ status: 403 });
    const warnings = lines.filter((line) => line.code === ErrorCodes.DiscordInvalidRequests);
    // The count is the process's own over 10 minutes (one for all its clients), so it
    // may start above zero; wherever it starts, six refusals in a row pass exactly two multiples of three.
    expect(warnings).toHaveLength(2);
    expect(Number(warnings[1]!.count) - Number(warnings[0]!.count)).toBe(EVERY);
    for (const warning of warnings) {
      expect(Number(warning.count) % EVERY).toBe(0);
      expect(warning.windowLeftMs).toBeGreaterThan(0);
      expect(warning.windowLeftMs).toBeLessThanOrEqual(10 * 60_000);
      expect(String(warning.msg)).not.toContain(discord.token);
    }
  });

  it('answered requests are not counted', async () => {
    const { logger, lines } = capturedLogger('warn');
    const rest = createDiscordRest(discord.apiUrl, discord.token, { logger, warnEveryInvalid: 1 });
    for (let i = 0; i < 4; i++) await rest.get(Routes.channel(discord.world.channels.text.id));
    expect(lines).toEqual([]);
    // The same client warns at once when one is refused, so silence above was not a deaf listener.
    discord.failNext(`GET /channels/${discord.world.channels.text.id}`, [REFUSED]);
    await expect(rest.get(Routes.channel(discord.world.channels.text.id))).rejects.toMatchObject({ status: 403 });
    expect(lines.map((line) => line.code)).toEqual([ErrorCodes.DiscordInvalidRequests]);
  });
});
