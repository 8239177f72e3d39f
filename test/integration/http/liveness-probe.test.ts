import { describe, expect, it } from 'vitest';
import type { HttpParts } from '../../../src/http/start-http.js';
import { useCleanups } from '../../support/cleanups.js';
import { closedPort } from '../../support/closed-port.js';
import { getJson as probe, serveHttp } from '../../support/served-http.js';

const cleanups = useCleanups();

/** startHttp as a process wires it, on a Redis nothing listens for; returns the server's base URL. */
async function serve(extra: Partial<HttpParts>): Promise<string> {
  return serveHttp(cleanups, `redis://127.0.0.1:${await closedPort()}`, extra);
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
