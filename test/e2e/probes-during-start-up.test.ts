import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack, stackEnv } from '../support/feelbot-stack.js';
import { startModelHost, type ModelHost } from '../support/model-host.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

/**
 * README: "Every feelbot process serves two probes on its HTTP port ... GET /livez is liveness: 200
 * whenever the process answers at all ... On Kubernetes use /livez as the livenessProbe". A worker or
 * `start` downloading LLM_MODEL on its first start (1.7 GB, minutes), or a gateway whose login Discord
 * holds up (an outage, a long 429), heals by itself: a liveness probe must not kill it meanwhile.
 */

/** 64 MB at 640 KB/s: still downloading for a minute and more after ipull saved its partial file. */
const SLOW_MODEL = { bytes: 64 * 1024 * 1024, pace: { kind: 'paced', bytes: 64 * 1024, everyMs: 100 } } as const;
/** A stop signal ends a starting process within this; the forced exit comes after 30 s. */
const STOPS_WITHIN_MS = 10_000;
/** The REST client gives up on an unanswered request after 15 s and tries again: four hold a login past any test here. */
const UNANSWERED_GATEWAY_REQUESTS = 4;
const TIMEOUT_MS = 3_000;

interface Answer {
  readonly status: number | string;
  readonly body?: unknown;
  readonly text?: string;
}

/** What the process answers on `path`, or the connection error's code (ECONNREFUSED) when it does not. */
async function ask(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  try {
    const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as unknown, text };
    } catch {
      return { status: response.status, text };
    }
  } catch (error) {
    return { status: String((error as { cause?: { code?: string } }).cause?.code ?? error) };
  }
}

const analyse = (base: string) =>
  ask(base, '/v1/emotion', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'i am terrified of the storm tonight' }) });

/** How many times /metrics declares the queue-depth gauge startHttp adds: once, or Prometheus rejects the scrape. */
const queueGaugeDeclarations = (metrics: Answer) => (metrics.text ?? '').split('\n').filter((line) => line === '# TYPE feelbot_queue_jobs gauge').length;

describe('the probes while the reply model downloads at start-up', () => {
  let host: ModelHost;
  let discord: FakeDiscord;
  let redis: PrivateRedis;
  const dirs: string[] = [];
  const processes: FeelbotProcess[] = [];
  beforeAll(async () => {
    host = await startModelHost(Buffer.alloc(SLOW_MODEL.bytes, 7), SLOW_MODEL.pace, 'slow.Q4_K_M.gguf');
    discord = await startFakeDiscord();
    redis = await startPrivateRedis();
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') for (const p of processes) console.error(p.output.slice(-30).join('\n'));
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await host?.close();
    await discord?.close();
    await redis?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['worker', 'METRICS_PORT', { redis: 'up', classifier: 'loading' }],
    ['start', 'HTTP_PORT', { redis: 'up', classifier: 'loading', discord: 'loading' }],
  ] as const)(
    '`feelbot %s` answers /livez 200 on %s while it downloads LLM_MODEL, /healthz 503 with its classifier loading, and /metrics; a stop still exits 0',
    async (command, portSetting, checks) => {
      const modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-probes-'));
      dirs.push(modelsDir);
      const port = await freePort();
      const env = stackEnv(discord, redis, `{probes-${command}}`, { LLM_MODEL: host.url, MODELS_DIR: modelsDir, [portSetting]: String(port) });
      const proc = new FeelbotProcess([command], env);
      processes.push(proc);
      const since = Date.now();
      while (!readdirSync(modelsDir).includes('llm') || !readdirSync(join(modelsDir, 'llm')).some((name) => name.endsWith('.ipull'))) {
        if (Date.now() - since > 30_000) throw new Error(proc.output.slice(-20).join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // Well into the download: a liveness probe would have had its answer by now.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const base = `http://127.0.0.1:${port}`;

      expect(await ask(base, '/livez')).toMatchObject({ status: 200, body: { status: 'alive' } });
      const health = await ask(base, '/healthz');
      expect({ status: health.status, body: health.body }).toEqual({ status: 503, body: { status: 'unavailable', checks } });
      const metrics = await ask(base, '/metrics');
      expect({ status: metrics.status, queueGauges: queueGaugeDeclarations(metrics) }).toEqual({ status: 200, queueGauges: 1 });
      if (command === 'start') {
        expect(await analyse(base)).toMatchObject({ status: 503, body: { error: { code: 'NOT_READY' } } });
      }

      void proc.stop('SIGTERM');
      expect(await exitWithin(proc, STOPS_WITHIN_MS)).toBe(0);
      expect(proc.logs.some((line) => /^stopped before/.test(line.msg ?? ''))).toBe(true);
    },
    90_000,
  );
});

describe('the probes while Discord holds up the login at start-up', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it.each([
    ['gateway', 'METRICS_PORT', { redis: 'up', classifier: 'disabled', discord: 'loading' }, { redis: 'up', classifier: 'disabled', discord: 'up' }],
    ['start', 'HTTP_PORT', { redis: 'up', classifier: 'up', discord: 'loading' }, { redis: 'up', classifier: 'up', discord: 'up' }],
  ] as const)(
    '`feelbot %s` answers /livez 200 on %s during the login and /healthz 503 with its Discord session loading, then 200 once in session',
    async (command, portSetting, during, after) => {
      stack = await FeelbotStack.start();
      const { discord } = stack;
      const releases = Array.from({ length: UNANSWERED_GATEWAY_REQUESTS }, () => discord.holdNext('GET /gateway/bot'));
      const port = await freePort();
      const proc = new FeelbotProcess([command], stack.env({ [portSetting]: String(port) }));
      stack.processes.push(proc);
      // `start` asks for the gateway's address only once its worker is ready.
      await discord.waitFor(() => discord.requests.some((request) => request.path === '/gateway/bot'), { timeoutMs: 60_000 });
      const base = `http://127.0.0.1:${port}`;

      expect(await ask(base, '/livez')).toMatchObject({ status: 200, body: { status: 'alive' } });
      const health = await ask(base, '/healthz');
      expect({ status: health.status, body: health.body }).toEqual({ status: 503, body: { status: 'unavailable', checks: during } });
      // The API of `start` answers as soon as its worker's classifier is ready, as `feelbot api` does once its model loaded.
      if (command === 'start') expect(await analyse(base)).toMatchObject({ status: 200, body: { emotion: 'fear' } });

      for (const release of releases) release();
      await proc.waitForLog((line) => line.msg === 'gateway ready', 30_000);
      await expect.poll(async () => (await ask(base, '/healthz')).status, { timeout: 15_000 }).toBe(200);
      expect((await ask(base, '/healthz')).body).toEqual({ status: 'ok', checks: after });
      expect(queueGaugeDeclarations(await ask(base, '/metrics'))).toBe(1);
    },
    120_000,
  );
});
