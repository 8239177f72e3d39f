import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { loadConfig } from '../../../src/config.js';
import { startHttp, type HttpParts } from '../../../src/http/start-http.js';
import { closedPort } from '../../support/closed-port.js';
import { startPrivateRedis } from '../../support/redis-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loaded classifier: /healthz only asks whether there is one. */
const loaded = () => ({ classify: async () => [], dispose: async () => {} });

interface Health {
  readonly status: number;
  readonly body: unknown;
}

/** Reads /healthz of startHttp as a process wires it, on a Redis at `redisUrl`. */
async function serveHealth(redisUrl: string, extra: Partial<HttpParts>): Promise<() => Promise<Health>> {
  const config = loadConfig({ REDIS_URL: redisUrl, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const redis = createRedis(redisUrl, 'producer', 'feelbot-health-test');
  const queue = new MessageQueue(redis, config.redis.prefix);
  const app = await startHttp({ config, logger: createLogger('silent', 'test'), metrics: new PrometheusMetrics(), redis, queue: queue.queue, port: 0, ...extra });
  cleanups.push(async () => {
    await app.close();
    await queue.close();
    redis.disconnect();
  });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/healthz`;
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.json() };
  };
}

async function healthOf(redisUrl: string, extra: Partial<HttpParts>): Promise<Health> {
  return (await serveHealth(redisUrl, extra))();
}

describe('GET /healthz with Redis unreachable', () => {
  it('is 503 `unavailable` for a process that needs Redis (a worker or gateway on METRICS_PORT, `start`)', async () => {
    const unreachable = `redis://127.0.0.1:${await closedPort()}`;
    expect(await healthOf(unreachable, { checks: { discord: async () => 'up' } })).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { redis: 'down', classifier: 'disabled', discord: 'up' } },
    });
  });

  it("is 200 `degraded` for the analysis API, whose analyses need no Redis, and still 503 when one of its own checks fails", async () => {
    const unreachable = `redis://127.0.0.1:${await closedPort()}`;
    expect(await healthOf(unreachable, { servesWithoutRedis: true, classifier: loaded })).toEqual({
      status: 200,
      body: { status: 'degraded', checks: { redis: 'down', classifier: 'up' } },
    });
    expect(await healthOf(unreachable, { servesWithoutRedis: true, classifier: () => undefined })).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { redis: 'down', classifier: 'loading' } },
    });
  });

  it('is 200 `ok` for the analysis API once Redis answers', async () => {
    const server = await startPrivateRedis();
    cleanups.push(() => server.stop());
    const health = await serveHealth(server.url, { servesWithoutRedis: true, classifier: loaded });
    await expect.poll(health, { timeout: 10_000 }).toEqual({ status: 200, body: { status: 'ok', checks: { redis: 'up', classifier: 'up' } } });
  });
});
