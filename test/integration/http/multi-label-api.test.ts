import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/http/build-server.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { FeelbotProcess } from '../../support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';
import { runFeelbot } from '../../support/run-feelbot.js';

describe('the API answers as `feelbot analyze` does for a multi-label model', () => {
  let redis: PrivateRedis;
  let dir: string;
  let modelDir: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // The shipped classifier, as a multi-label model (config.json's problem_type, which transformers.js reads).
    dir = await mkdtemp(join(tmpdir(), 'feelbot-multilabel-'));
    modelDir = join(dir, 'emotion');
    await cp(resolve(SHIPPED_EMOTION_MODEL), modelDir, { recursive: true });
    const config = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(modelDir, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification' }));
  });
  afterAll(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('POST /v1/emotion carries "multiLabel": true, one text or a batch, as `feelbot analyze` prints for the same text', async () => {
    const text = 'I am so happy today!';
    const cli = await runFeelbot(['analyze', text], { EMOTION_MODEL: modelDir, LOG_LEVEL: 'warn' }, 60_000);
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect(fromCli.multiLabel).toBe(true);

    const api = new FeelbotProcess(['api'], {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `{multilabel-${randomUUID().slice(0, 8)}}`,
      EMOTION_MODEL: modelDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const listening = await api.waitForLog((line) => line.msg === 'http listening');
      const base = `http://127.0.0.1:${(listening.address as { port: number }[])[0]!.port}`;
      await expect.poll(() => fetch(`${base}/healthz`).then((r) => r.status, () => 0), { timeout: 60_000, interval: 100 }).toBe(200);
      const post = async (body: unknown) =>
        (await fetch(`${base}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
      // `confidence` is the top emotion's own sigmoid, not a share: the flag says so, and the serializer used to drop it.
      expect(await post({ text })).toEqual(fromCli);
      expect(await post({ texts: [text] })).toEqual({ results: [fromCli] });
    } finally {
      await api.stop('SIGKILL');
    }
  }, 120_000);
});

describe('GET /openapi.json', () => {
  it('describes every field of an analysis, "multiLabel" and "unreadable" too, for one text and for a batch', async () => {
    const classifier: EmotionClassifier = { classify: async (texts) => texts.map(() => buildAnalysis()), dispose: async () => undefined };
    const app = await buildServer({ logger: capturedLogger().logger, registry: new Registry(), health: {}, classifier: () => classifier });
    try {
      const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, { post: { responses: Record<string, { content: Record<string, { schema: { oneOf: Array<Record<string, unknown>> } }> }> } }>;
      };
      const [one, batch] = spec.paths['/v1/emotion']!.post.responses['200']!.content['application/json']!.schema.oneOf as [
        { properties: Record<string, unknown> },
        { properties: { results: { items: { properties: Record<string, unknown> } } } },
      ];
      const fields = ['emotion', 'confidence', 'neutral', 'scores', 'unreadable', 'multiLabel'];
      expect(Object.keys(one.properties).sort()).toEqual([...fields].sort());
      expect(Object.keys(batch.properties.results.items.properties).sort()).toEqual([...fields].sort());
    } finally {
      await app.close();
    }
  });
});
