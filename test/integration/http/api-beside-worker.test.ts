import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { startApiBesideWorker } from '../../../src/cli/start-api-beside-worker.js';
import { loadConfig } from '../../../src/config.js';
import type { Emotion } from '../../../src/domain/emotions.js';
import type { ClassifierWithBackground } from '../../../src/ports/background-classifier.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { workerClassifier } from '../../../src/worker/worker-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => redis?.stop());

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A classifier that answers every text with `emotion` and records, under `side`, each text it saw. */
function answering(side: string, emotion: Emotion, seen: string[]): EmotionClassifier {
  return {
    classify: async (texts) => (seen.push(...texts.map((text) => `${side}: ${text}`)), texts.map(() => buildAnalysis({ emotion }))),
    dispose: async () => undefined,
  };
}

/** POSTs `text` to /v1/emotion of `feelbot start`'s HTTP API beside a worker whose model is `model`. */
async function analyseBeside(model: EmotionClassifier, text: string): Promise<{ status: number; emotion: string }> {
  const config = loadConfig({ REDIS_URL: redis.url, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'silent' });
  const connection = createRedis(redis.url, 'producer', 'feelbot-api-beside-worker-test');
  const queue = new MessageQueue(connection, config.redis.prefix);
  // As startWorker hands it to `feelbot start`.
  const worker = { classifier: workerClassifier(model, NO_METRICS) };
  const app = await startApiBesideWorker({ config, logger: createLogger('silent', 'test'), metrics: new PrometheusMetrics(), redis: connection, queue: queue.queue, worker });
  cleanups.push(async () => {
    await app.close();
    await worker.classifier.dispose();
    await queue.close();
    connection.disconnect();
  });
  const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/emotion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, emotion: ((await response.json()) as { emotion: string }).emotion };
}

describe("`feelbot start`'s HTTP API, beside the worker, on a private Redis", () => {
  it("with a model that has a background (EMOTION_BACKEND=llm), classifies the API's texts on the background, not at the bot's own turn", async () => {
    const seen: string[] = [];
    const model: ClassifierWithBackground = { ...answering('bot', 'joy', seen), background: answering('background', 'sadness', seen) };
    expect(await analyseBeside(model, 'I miss the old days')).toEqual({ status: 200, emotion: 'sadness' });
    expect(seen).toEqual(['background: I miss the old days']);
  });

  it("with a model that has no background (ONNX), classifies the API's texts on the worker's own classifier", async () => {
    const seen: string[] = [];
    expect(await analyseBeside(answering('bot', 'joy', seen), 'what a lovely day')).toEqual({ status: 200, emotion: 'joy' });
    expect(seen).toEqual(['bot: what a lovely day']);
  });
});
