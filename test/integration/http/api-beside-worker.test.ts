import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { startApiBesideWorker } from '../../../src/cli/start-api-beside-worker.js';
import { loadConfig } from '../../../src/config.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { createEngines, type Engines } from '../../../src/worker/create-engines.js';
import { holdCompletions, type HeldCompletions } from '../../support/held-completions.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => redis?.stop());

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The worker's engines, as `feelbot start` loads them (createEngines), on the tiny GGUF; `metrics` are the worker's. */
async function workerEngines(env: Record<string, string>, metrics: PrometheusMetrics): Promise<Engines> {
  const config = loadConfig({ LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', LLM_SEQUENCES: '1', LOG_LEVEL: 'silent', ...env });
  const engines = await createEngines(config, createLogger('silent', 'test'), metrics);
  cleanups.push(() => engines.dispose());
  return engines;
}

/** `feelbot start`'s HTTP API beside a worker whose classifier is `engines.classifier`; returns its /v1/emotion address. */
async function apiBeside(engines: Engines): Promise<string> {
  const config = loadConfig({ REDIS_URL: redis.url, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'silent' });
  const connection = createRedis(redis.url, 'producer', 'feelbot-api-beside-worker-test');
  const queue = new MessageQueue(connection, config.redis.prefix);
  const worker = { classifier: engines.classifier };
  const app = await startApiBesideWorker({ config, logger: createLogger('silent', 'test'), metrics: new PrometheusMetrics(), redis: connection, queue: queue.queue, worker: () => worker });
  cleanups.push(async () => {
    await app.close();
    await queue.close();
    connection.disconnect();
  });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/emotion`;
}

async function analyse(url: string, text: string): Promise<{ status: number; emotion: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, emotion: ((await response.json()) as { emotion?: unknown }).emotion };
}

/** Texts the worker's classifier has counted (feelbot_classified_texts_total of its own metrics). */
async function classifiedTexts(metrics: PrometheusMetrics): Promise<number> {
  const counted = await metrics.registry.getSingleMetric('feelbot_classified_texts_total')!.get();
  return counted.values.reduce((sum, value) => sum + value.value, 0);
}

describe("`feelbot start`'s HTTP API, beside the worker, on a private Redis", () => {
  it("with the shipped ONNX classifier (no background), classifies the API's texts on the worker's own classifier (real transformers.js)", async () => {
    const metrics = new PrometheusMetrics();
    const engines = await workerEngines({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL }, metrics);
    const url = await apiBeside(engines);
    expect(await classifiedTexts(metrics)).toBe(0);
    expect(await analyse(url, 'what a lovely day, I am so happy')).toEqual({ status: 200, emotion: 'joy' });
    // Counted by the worker's classifier: the API's text went through it.
    expect(await classifiedTexts(metrics)).toBe(1);
  });

  describe('with EMOTION_BACKEND=llm (real llama.cpp on the tiny GGUF), whose classifier has a background', () => {
    let held: HeldCompletions | undefined;
    afterEach(() => held?.restore());

    it("an API text waits while the bot's own texts hold every sequence, and goes after a bot text that came later, then is answered", async () => {
      const engines = await workerEngines({ EMOTION_BACKEND: 'llm' }, new PrometheusMetrics());
      const url = await apiBeside(engines);
      // The classifier's two sequences, each taken by one of the bot's texts (a reply job's), kept until released.
      held = holdCompletions(['held-1', 'held-2', 'bot-text', 'api-text'], ['held-1', 'held-2']);
      const bots = engines.classifier.classify(['held-1: my cat is sick', 'held-2: I passed my exam']);
      await expect.poll(() => held!.events.filter((event) => event.startsWith('start:held')).length, { timeout: 30_000 }).toBe(2);

      const api = analyse(url, 'api-text: I miss the old days');
      await expect.poll(() => held!.waitingForSequence(), { timeout: 30_000 }).toBe(1);
      // Another of the bot's texts arrives after the API's, while both still wait for a sequence.
      const bot = engines.classifier.classify(['bot-text: I finally got the job!']);
      await expect.poll(() => held!.waitingForSequence(), { timeout: 30_000 }).toBe(2);
      // Neither has run yet: both wait for a sequence.
      expect([...held.events].sort()).toEqual(['start:held-1', 'start:held-2']);

      held.release('held-1');
      const answer = await api;
      expect(answer.status).toBe(200);
      expect(EMOTIONS).toContain(answer.emotion);
      await bot;
      held.release('held-2');
      await bots;
      const { events } = held;
      const order = (event: string) => events.indexOf(event);
      expect(order('release:held-1')).toBeGreaterThan(-1);
      // The API's text ran only once a sequence was released, and after the bot's later text took it.
      expect(order('start:api-text')).toBeGreaterThan(order('release:held-1'));
      expect(order('start:bot-text')).toBeGreaterThan(order('release:held-1'));
      expect(order('start:api-text'), events.join(', ')).toBeGreaterThan(order('start:bot-text'));
    });
  });
});
