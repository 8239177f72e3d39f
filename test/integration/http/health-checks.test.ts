import { describe, expect, it } from 'vitest';
import type { HttpParts } from '../../../src/http/start-http.js';
import { useCleanups } from '../../support/cleanups.js';
import { closedPort } from '../../support/closed-port.js';
import { startPrivateRedis } from '../../support/redis-server.js';
import { getJson, serveHttp } from '../../support/served-http.js';

const cleanups = useCleanups();

/** A loaded classifier: /healthz only asks whether there is one. */
const loaded = () => ({ classify: async () => [], dispose: async () => {} });

interface Health {
  readonly status: number;
  readonly body: unknown;
}

/** Reads /healthz of startHttp as a process wires it, on a Redis at `redisUrl`. */
async function serveHealth(redisUrl: string, extra: Partial<HttpParts>): Promise<() => Promise<Health>> {
  const url = `${await serveHttp(cleanups, redisUrl, extra)}/healthz`;
  return () => getJson(url);
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
