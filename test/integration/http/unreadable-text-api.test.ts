import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writePositionLimitedClassifier } from '../../../scripts/fixtures/position-table.js';
import { inferenceError } from '../../../src/adapters/transformers/inference-error.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { BatchingClassifier } from '../../../src/classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../../../src/classifier/instrumented-classifier.js';
import { buildServer } from '../../../src/http/build-server.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** 1,210 characters of Chinese: BERT's tokenizer reads each character as a token, past the graph's 128 positions. */
const CHINESE = '我今天真的很难过，因为我最好的朋友要搬走了。'.repeat(55);
const HAPPY = 'I finally got the job, I am so happy!';
const SAD = 'i feel so lonely and heartbroken since she left';

interface Served {
  readonly app: FastifyInstance;
  readonly lines: Array<Record<string, unknown>>;
  post(body: unknown): Promise<Response>;
}

/** A real server on a port of its own, serving `classifier` as `feelbot api` does (batched and timed). */
async function serve(classifier: EmotionClassifier): Promise<Served> {
  const { logger, lines } = capturedLogger();
  const app = await buildServer({ logger, registry: new Registry(), health: {}, classifier: () => classifier });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const post = (body: unknown) =>
    fetch(`http://127.0.0.1:${port}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { app, lines, post };
}

describe('POST /v1/emotion on a model that cannot read one of the texts (its graph reads 128 positions, its config.json states 512)', () => {
  let model: EmotionClassifier;
  let served: Served;
  beforeAll(async () => {
    const dir = writePositionLimitedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}api-unreadable-text`, { table: 128, stated: 512, modelMaxLength: undefined });
    model = await loadEmotionModel({ model: dir });
    served = await serve(new BatchingClassifier(new InstrumentedClassifier(model, NO_METRICS)));
  });
  afterAll(async () => {
    await served?.app.close();
    await model?.dispose();
  });

  it("a batch answers the other texts with their analyses, and the unreadable text's entry with a CLASSIFIER_FAILED error that does not echo it", async () => {
    const response = await served.post({ texts: [HAPPY, CHINESE, SAD] });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: unknown[] };
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual((await model.classify([HAPPY]))[0]);
    expect(results[1]).toEqual({ error: { code: 'CLASSIFIER_FAILED', message: expect.any(String) } });
    expect(JSON.stringify(results[1])).not.toContain('我');
    expect(results[2]).toEqual((await model.classify([SAD]))[0]);
    expect((results[0] as { emotion: string }).emotion).toBe('joy');
    expect((results[2] as { emotion: string }).emotion).toBe('sadness');
  });

  it("a lone text the model cannot read is answered 422 CLASSIFIER_FAILED in the API's error shape, not a 500 INTERNAL", async () => {
    const response = await served.post({ text: CHINESE });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: 'CLASSIFIER_FAILED', message: expect.any(String) } });
    expect(body.error.message).not.toContain('我');
  });

  it("the failure is logged for the operator with the model's reason and the text's place in the request, never the text", async () => {
    const before = served.lines.length;
    await served.post({ texts: [SAD, HAPPY, CHINESE] });
    const logged = served.lines.slice(before).filter((line) => line.code === 'CLASSIFIER_FAILED');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', failed: [2] });
    expect(JSON.stringify(logged[0])).toContain('model_max_length');
    expect(JSON.stringify(served.lines)).not.toContain('我');
  });
});

describe('POST /v1/emotion when the model runs out of memory (a failure a retry may mend)', () => {
  const servers: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((app) => app.close()));
  });

  /** A model whose every call fails as ONNX Runtime's arena does when memory runs out. */
  const outOfMemory: EmotionClassifier = {
    classify: async () => {
      throw inferenceError('models/emotion', 512, new Error('Failed to allocate memory for requested buffer of size 268435456'));
    },
    dispose: async () => undefined,
  };

  it('a batch fails whole with 503 CLASSIFIER_FAILED and Retry-After, rather than a failed entry per text', async () => {
    const served = await serve(new BatchingClassifier(outOfMemory));
    servers.push(served.app);
    const response = await served.post({ texts: [HAPPY, SAD] });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toEqual({ error: { code: 'CLASSIFIER_FAILED', message: expect.any(String) } });
  });

  it('a lone text is answered the same 503 CLASSIFIER_FAILED with Retry-After', async () => {
    const served = await serve(new BatchingClassifier(outOfMemory));
    servers.push(served.app);
    const response = await served.post({ text: HAPPY });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toEqual({ error: { code: 'CLASSIFIER_FAILED', message: expect.any(String) } });
  });
});
