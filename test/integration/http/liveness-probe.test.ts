import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { loadConfig } from '../../../src/config.js';
import { startHttp, type HttpParts } from '../../../src/http/start-http.js';
import { closedPort } from '../../support/closed-port.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** startHttp as a process wires it, on a Redis nothing listens for; returns the server's base URL. */
async function serve(extra: Partial<HttpParts>): Promise<string> {
  const redisUrl = `redis://127.0.0.1:${await closedPort()}`;
  const config = loadConfig({ REDIS_URL: redisUrl, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const redis = createRedis(redisUrl, 'producer', 'feelbot-liveness-test');
  const queue = new MessageQueue(redis, config.redis.prefix);
  const app = await startHttp({ config, logger: createLogger('silent', 'test'), metrics: new PrometheusMetrics(), redis, queue: queue.queue, port: 0, ...extra });
  cleanups.push(async () => {
    await app.close();
    await queue.close();
    redis.disconnect();
  });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function probe(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

describe('GET /livez, the liveness probe beside /healthz (readiness)', () => {
  it('is 200 for a gateway or worker on METRICS_PORT whose Redis and Discord session are down, while /healthz is 503', async () => {
    const base = await serve({ checks: { discord: async () => 'down' } });
    expect(await probe(`${base}/healthz`)).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    expect(await probe(`${base}/livez`)).toEqual({ status: 200, body: { status: 'alive' } });
  });

  it('is 200 for the analysis API while its classifier loads, while /healthz is 503', async () => {
    const base = await serve({ servesWithoutRedis: true, classifier: () => undefined });
    expect(await probe(`${base}/healthz`)).toMatchObject({ status: 503, body: { checks: { classifier: 'loading' } } });
    expect(await probe(`${base}/livez`)).toEqual({ status: 200, body: { status: 'alive' } });
  });

  it('answers without running a readiness check: one that hangs (a dependency that never answers) holds /healthz, not /livez', async () => {
    const base = await serve({ checks: { discord: () => new Promise(() => undefined) } });
    await expect(fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) })).rejects.toThrow();
    expect(await probe(`${base}/livez`)).toEqual({ status: 200, body: { status: 'alive' } });
  });

  it('is described in /openapi.json beside /healthz, GET only', async () => {
    const base = await serve({});
    const spec = (await probe(`${base}/openapi.json`)).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(spec.paths['/livez'] ?? {})).toEqual(['get']);
    expect(Object.keys(spec.paths['/healthz'] ?? {})).toEqual(['get']);
  });
});
