import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { startGateway } from '../../../src/gateway/start-gateway.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { stackEnv } from '../../support/feelbot-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** Far more than a login that goes on needs to connect and IDENTIFY against the local fake Discord. */
const LATE_LOGIN_WINDOW_MS = 2_000;
/** Short, so that a session left open shows itself by its heartbeats within the test. */
const HEARTBEAT_INTERVAL_MS = 200;

describe('a gateway start-up stopped while Discord holds its login', () => {
  let redis: PrivateRedis | undefined;
  let discord: FakeDiscord | undefined;
  afterEach(async () => {
    await discord?.close();
    await redis?.stop();
    discord = undefined;
    redis = undefined;
  });

  it('ends with the stop at once, and when Discord answers afterwards, no session stays open and no READY sweep runs', async () => {
    redis = await startPrivateRedis();
    discord = await startFakeDiscord({ heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
    const fake = discord;
    const config = loadConfig(stackEnv(fake, redis, `{stop-${randomUUID().slice(0, 8)}}`));
    const { logger, lines } = capturedLogger('debug');
    const release = fake.holdNext('GET /gateway/bot');
    const stop = new AbortController();
    const starting = startGateway(config, logger, stop.signal);
    await fake.waitFor(() => fake.requests.some((request) => request.path === '/gateway/bot'), { timeoutMs: 10_000 });
    stop.abort(new FeelbotError(ErrorCodes.Interrupted, 'stopped by SIGTERM', { details: { signal: 'SIGTERM' } }));
    await expect(starting).rejects.toBe(stop.signal.reason);

    release();
    await fake.waitFor(() => fake.requests.some((request) => request.path === '/gateway/bot' && request.status !== 0), { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, LATE_LOGIN_WINDOW_MS));
    const heartbeats = fake.gatewayStats.heartbeats;
    await new Promise((resolve) => setTimeout(resolve, 5 * HEARTBEAT_INTERVAL_MS));
    const logged = lines.map((line) => line.msg);
    expect({
      heartbeatsSince: fake.gatewayStats.heartbeats - heartbeats,
      ready: logged.includes('gateway ready'),
      sweeps: logged.filter((msg) => typeof msg === 'string' && /guilds the bot left|swept the settings/.test(msg)),
    }).toEqual({ heartbeatsSince: 0, ready: false, sweeps: [] });
  }, 30_000);
});
