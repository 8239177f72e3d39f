import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimQueuePrefix, queuePrefixOwnerKey } from '../../../src/adapters/redis/queue-prefix-claim.js';
import { gatewayCommand } from '../../../src/cli/commands/gateway.js';
import { loadConfig } from '../../../src/config.js';
import { ErrorCodes } from '../../../src/errors.js';
import { startWorker } from '../../../src/worker/start-worker.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { closedPort } from '../../support/closed-port.js';
import { stackEnv } from '../../support/feelbot-stack.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * A bot made before 2019: its token's first part is its bot user's id, which is not its
 * application's id (the fake's /applications/@me answers the application's).
 */
const BOT_USER_ID = '181000000000000001';
const preApplicationToken = () =>
  `${Buffer.from(BOT_USER_ID).toString('base64url')}.${randomBytes(5).toString('base64url').slice(0, 6)}.${randomBytes(30).toString('base64url')}`;
/** The first try and the REST client's 3 retries of a 5xx. */
const UNAVAILABLE = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
/** Longer than the REST client waits out, so the request fails instead. */
const LONG_RATE_LIMIT = [{ status: 429, retryAfter: 60 }];
const OTHER_APPLICATION_ID = '1200000000000000009';

describe('the application id QUEUE_PREFIX is claimed for, for a bot whose user id is not its application id', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;
  const newPrefix = () => `{claim-${randomUUID().slice(0, 8)}}`;
  const configFor = (prefix: string, overrides: Record<string, string> = {}) =>
    loadConfig({ ...stackEnv(discord, redis.server, prefix), METRICS_PORT: '0', ...overrides });
  /** The gateway command run to its end: `stopped` has already resolved, so a gateway that starts stops at once. */
  const runGateway = (config: ReturnType<typeof loadConfig>, logger = capturedLogger().logger) =>
    gatewayCommand
      .run({ args: [], config, logger, stopped: Promise.resolve('SIGTERM'), signal: new AbortController().signal })
      .then(() => 'started and stopped', (error: unknown) => error);

  beforeEach(async () => {
    discord = await startFakeDiscord({ token: preApplicationToken() });
    expect(BOT_USER_ID).not.toBe(discord.applicationId);
  });
  afterEach(async () => {
    await discord?.close();
  });

  it('a gateway records the application id Discord answers, not the bot user id its token starts with', async () => {
    const prefix = newPrefix();
    expect(await runGateway(configFor(prefix))).toBe('started and stopped');
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBe(discord.applicationId);
  });

  it("a gateway of the prefix's own bot, started while Discord answers 503 to /applications/@me, stops with DISCORD_UNAVAILABLE saying to retry or set DISCORD_APPLICATION_ID, and the prefix stays its bot's", async () => {
    const prefix = newPrefix();
    await claimQueuePrefix(redis.server.url, prefix, discord.applicationId);
    discord.failNext('GET /applications/@me', UNAVAILABLE);
    const outcome = await runGateway(configFor(prefix));
    expect(outcome).toMatchObject({ code: ErrorCodes.DiscordUnavailable, userFacing: true, permanent: false });
    expect((outcome as Error).message).toMatch(/start it again later, or set DISCORD_APPLICATION_ID/);
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBe(discord.applicationId);
  });

  it('the first gateway on a fresh prefix, started while Discord answers 503, records no owner', async () => {
    const prefix = newPrefix();
    discord.failNext('GET /applications/@me', UNAVAILABLE);
    expect(await runGateway(configFor(prefix))).toMatchObject({ code: ErrorCodes.DiscordUnavailable });
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBeNull();
  });

  it('the first gateway on a fresh prefix, started while Discord cannot be reached, records no owner', async () => {
    const prefix = newPrefix();
    const outcome = await runGateway(configFor(prefix, { DISCORD_API_URL: `http://127.0.0.1:${await closedPort()}/api` }));
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBeNull();
    expect(outcome).toMatchObject({ code: ErrorCodes.DiscordUnavailable });
    expect((outcome as Error).message).toContain('DISCORD_APPLICATION_ID');
  });

  it('a gateway met by a long rate limit on /applications/@me stops with DISCORD_RATE_LIMITED, records no owner, and says DISCORD_APPLICATION_ID avoids the request', async () => {
    const prefix = newPrefix();
    discord.failNext('GET /applications/@me', LONG_RATE_LIMIT);
    const outcome = await runGateway(configFor(prefix));
    expect(outcome).toMatchObject({ code: ErrorCodes.DiscordRateLimited, permanent: false });
    expect((outcome as Error).message).toContain('DISCORD_APPLICATION_ID');
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBeNull();
  });

  it('with DISCORD_APPLICATION_ID set, a gateway started while Discord answers 503 to /applications/@me claims the prefix for that id, warning that it could not be checked', async () => {
    const prefix = newPrefix();
    const { logger, lines } = capturedLogger();
    discord.failNext('GET /applications/@me', UNAVAILABLE);
    expect(await runGateway(configFor(prefix, { DISCORD_APPLICATION_ID: discord.applicationId }), logger)).toBe('started and stopped');
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBe(discord.applicationId);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', applicationId: discord.applicationId, msg: expect.stringMatching(/DISCORD_APPLICATION_ID.*not checked/) }));
    expect(JSON.stringify(lines)).not.toContain(discord.token);
  });

  it("with DISCORD_APPLICATION_ID set to the token's application, a gateway checks it with Discord once and claims the prefix for it", async () => {
    const prefix = newPrefix();
    expect(await runGateway(configFor(prefix, { DISCORD_APPLICATION_ID: discord.applicationId }))).toBe('started and stopped');
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBe(discord.applicationId);
    expect(discord.requests.filter((request) => request.path === '/applications/@me')).toHaveLength(1);
  });

  it("a gateway whose DISCORD_APPLICATION_ID is another application's (a test bot's token beside the real bot's id) stops with CONFIG_INVALID naming both ids, and claims nothing", async () => {
    const prefix = newPrefix();
    const outcome = await runGateway(configFor(prefix, { DISCORD_APPLICATION_ID: OTHER_APPLICATION_ID }));
    expect(outcome).toMatchObject({ code: ErrorCodes.ConfigInvalid, permanent: true, details: { configured: OTHER_APPLICATION_ID, applicationId: discord.applicationId } });
    expect((outcome as Error).message).toContain(`DISCORD_APPLICATION_ID=${OTHER_APPLICATION_ID}`);
    expect((outcome as Error).message).toContain(discord.applicationId);
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBeNull();
  });

  it('with DISCORD_APPLICATION_ID set, a worker started while Discord answers 503 to /applications/@me starts under that id, warning that it could not be checked', async () => {
    const prefix = newPrefix();
    const { logger, lines } = capturedLogger();
    discord.failNext('GET /applications/@me', UNAVAILABLE);
    const outcome = await startWorker(configFor(prefix, { DISCORD_APPLICATION_ID: discord.applicationId }), logger).then(
      async (worker) => (await worker.stop(), 'started'),
      (error: unknown) => error,
    );
    expect(outcome).toBe('started');
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBe(discord.applicationId);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', applicationId: discord.applicationId }));
  }, 120_000);

  it("a worker of the prefix's own bot, started while Discord answers 503 to /applications/@me, stops with DISCORD_UNAVAILABLE and the prefix stays its bot's", async () => {
    const prefix = newPrefix();
    await claimQueuePrefix(redis.server.url, prefix, discord.applicationId);
    discord.failNext('GET /applications/@me', UNAVAILABLE);
    const outcome = await startWorker(configFor(prefix), capturedLogger().logger).then(
      async (worker) => (await worker.stop(), 'started'),
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ code: ErrorCodes.DiscordUnavailable, permanent: false });
    expect((outcome as Error).message).toContain('DISCORD_APPLICATION_ID');
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBe(discord.applicationId);
  }, 120_000);

  it.each([
    ['without DISCORD_APPLICATION_ID', false],
    ['with DISCORD_APPLICATION_ID set, not used unchecked', true],
  ])('a worker stopped while Discord holds /applications/@me ends start-up at once with the stop\'s reason and claims nothing (%s)', async (_, setsApplicationId) => {
    const prefix = newPrefix();
    const { logger, lines } = capturedLogger();
    const release = discord.holdNext('GET /applications/@me');
    const stop = new AbortController();
    const overrides: Record<string, string> = setsApplicationId ? { DISCORD_APPLICATION_ID: discord.applicationId } : {};
    const outcome = startWorker(configFor(prefix, overrides), logger, undefined, stop.signal).then(
      async (worker) => (await worker.stop(), 'started'),
      (error: unknown) => error,
    );
    try {
      await discord.waitFor(() => discord.requests.some((request) => request.path === '/applications/@me' && request.status === 0), { timeoutMs: 60_000 });
      const reason = new Error('stopped by SIGTERM');
      const stopped = Date.now();
      stop.abort(reason);
      expect(await outcome).toBe(reason);
      expect(Date.now() - stopped).toBeLessThan(2_000);
    } finally {
      release();
    }
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBeNull();
    expect(lines.filter((line) => line.level === 'warn' || line.msg === 'worker ready')).toEqual([]);
  }, 120_000);

  it('a worker on a prefix another application holds is refused with CONFIG_INVALID naming the id Discord answers, not the bot user id', async () => {
    const prefix = newPrefix();
    await claimQueuePrefix(redis.server.url, prefix, OTHER_APPLICATION_ID);
    const outcome = await startWorker(configFor(prefix), capturedLogger().logger).then(
      async (worker) => (await worker.stop(), 'started'),
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ code: ErrorCodes.ConfigInvalid, details: { applicationId: discord.applicationId, claimedBy: OTHER_APPLICATION_ID } });
  }, 120_000);
});
