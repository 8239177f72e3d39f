import { createServer, type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { BatchingClassifier } from '../../../src/classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../../../src/classifier/instrumented-classifier.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { BODY_LIMIT_BYTES, buildServer } from '../../../src/http/build-server.js';
import { holdingClassifier } from '../../support/holding-classifier.js';
import { exitWithin } from '../../support/exit-within.js';
import { FeelbotProcess } from '../../support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** Concurrent analysis requests fired while /metrics is scraped. */
const LOAD_REQUESTS = 200;
/** Analyses held in the classifier while /metrics is scraped. */
const HELD_REQUESTS = 20;
/** A graceful stop closes the server, waits for the classifier and disconnects Redis: seconds, not tens of them. */
const SIGTERM_EXIT_MS = 10_000;

interface Analysis {
  readonly emotion: string;
  readonly confidence: number;
  readonly neutral: boolean;
  readonly scores: Record<string, number>;
}

interface ApiError {
  readonly error: { readonly code: string; readonly message: string };
}

describe('the HTTP API of a real `feelbot api` process, on the shipped classifier and a private Redis', () => {
  let redis: PrivateRedis;
  let api: FeelbotProcess;
  let base: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    api = startApi(redis.url);
    base = await baseOf(api);
    await waitUntil(async () => (await fetch(`${base}/healthz`)).status === 200);
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await redis?.stop();
  });

  const post = (body: string | Buffer, contentType = 'application/json') =>
    fetch(`${base}/v1/emotion`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const postJson = (value: unknown) => post(JSON.stringify(value));

  /**
   * A POST that declares a body of `bytes` and sends none of it, so the server must refuse it from
   * its header alone. (Sending megabytes the server refuses races its close against the writes.)
   */
  const postDeclaring = (bytes: number) =>
    new Promise<Response>((resolve, reject) => {
      const request = httpRequest(`${base}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes) } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          request.destroy();
          resolve(new Response(Buffer.concat(chunks), { status: answer.statusCode ?? 0, headers: { 'content-type': String(answer.headers['content-type']) } }));
        });
      });
      request.on('error', reject);
      request.flushHeaders();
    });

  async function expectStillServing(): Promise<void> {
    const response = await postJson({ text: 'I am so happy today!' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Analysis).emotion).toBe('joy');
  }

  describe('POST /v1/emotion', () => {
    it('one text gets its emotion, confidence, neutral flag and the six scores', async () => {
      const response = await postJson({ text: 'I finally got the job, I am so happy!' });
      expect(response.status).toBe(200);
      const analysis = (await response.json()) as Analysis;
      expect(analysis.emotion).toBe('joy');
      expect(analysis.confidence).toBeGreaterThan(0.5);
      expect(analysis.confidence).toBeLessThanOrEqual(1);
      expect(typeof analysis.neutral).toBe('boolean');
      expect(Object.keys(analysis.scores).sort()).toEqual([...EMOTIONS].sort());
      expect(Object.values(analysis.scores).reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 2);
    });

    it('a text of 4,000 characters is read, emoji counting one each as Discord counts them', async () => {
      const text = [...'i am so happy today \u{1F600} '.repeat(300)].slice(0, 4_000).join('');
      expect(text.length).toBeGreaterThan(4_000);
      const response = await postJson({ text });
      expect(response.status).toBe(200);
      expect(((await response.json()) as Analysis).emotion).toBe('joy');
    });

    it('a batch of texts gets one result per text, in the order sent', async () => {
      const texts = ['I am terrified of the dark alley', 'I finally got the job, I am so happy!', 'this is so unfair, I am furious'];
      const response = await postJson({ texts });
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: Analysis[] };
      expect(results.map((result) => result.emotion)).toEqual(['fear', 'joy', 'anger']);
      const singles = await Promise.all(texts.map(async (text) => ((await (await postJson({ text })).json()) as Analysis).emotion));
      expect(singles).toEqual(['fear', 'joy', 'anger']);
    });

    it('a text nothing of which can be read (a bare link) says so with "unreadable": true; a readable one carries no such field', async () => {
      const { results } = (await (await postJson({ texts: ['https://example.com/x', 'I finally got the job, I am so happy!'] })).json()) as { results: Array<Analysis & { unreadable?: boolean }> };
      expect(results[0]).toMatchObject({ neutral: true, confidence: 0, unreadable: true });
      expect(results[1]!.unreadable).toBeUndefined();
    });
  });

  it("the largest valid batch is served even when every character is escaped, as Python's json.dumps writes it", async () => {
    // 256 texts of 4,000 "é", each sent as the 6-byte escape \u00e9: 6.1 MB of JSON.
    const escaped = `"${'\\u00e9'.repeat(4_000)}"`;
    const response = await post(`{"texts": [${Array.from({ length: 256 }, () => escaped).join(',')}]}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: Analysis[] }).results).toHaveLength(256);
  });

  it('JSON that names its charset as UTF-8 is read like JSON that names none', async () => {
    const plain = (await (await post('{"text":"I am so happy"}')).json()) as Analysis;
    expect(plain.emotion).toBe('joy');
    for (const contentType of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"']) {
      const response = await post('{"text":"I am so happy"}', contentType);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(plain);
    }
  });

  describe('bad input gets a 4xx with { error: { code, message } } and the server keeps serving', () => {
    const cases: [name: string, send: () => Promise<Response>, status: number, code: string, message: RegExp][] = [
      ['malformed JSON', () => post('{"text": "hi"'), 400, 'INVALID_JSON', /JSON/i],
      ['a 1 MB text', () => postJson({ text: 'a'.repeat(1_000_000) }), 400, 'INVALID_REQUEST', /text.*4000|4000.*char/i],
      ['10,000 texts', () => postJson({ texts: Array.from({ length: 10_000 }, (_, i) => `text ${i}`) }), 400, 'INVALID_REQUEST', /texts.*256|256/],
      ['an empty list', () => postJson({ texts: [] }), 400, 'INVALID_REQUEST', /texts.*at least 1|empty/i],
      ['an empty string', () => postJson({ text: '' }), 400, 'INVALID_REQUEST', /text.*(empty|at least 1)/i],
      ['a whitespace-only string', () => postJson({ text: '   ' }), 400, 'INVALID_REQUEST', /text/i],
      ['a wrong content type', () => post('text=hello', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE', /application\/json/],
      ['JSON sent as text/plain', () => post('{"text":"hi"}', 'text/plain;charset=UTF-8'), 415, 'UNSUPPORTED_MEDIA_TYPE', /application\/json/],
      // Characters as Discord counts them: an emoji is one (two UTF-16 units).
      ['4,001 emoji', () => postJson({ text: '\u{1F600}'.repeat(4_001) }), 400, 'INVALID_REQUEST', /"text" is longer than 4000 characters/],
      ['a batch holding 4,001 emoji', () => postJson({ texts: ['hi', '\u{1F600}'.repeat(4_001)] }), 400, 'INVALID_REQUEST', /"texts\.1" is longer than 4000/],
      ['unknown fields', () => postJson({ text: 'hello', mood: 'happy' }), 400, 'INVALID_REQUEST', /mood/],
      ['both text and texts', () => postJson({ text: 'hello', texts: ['hi'] }), 400, 'INVALID_REQUEST', /text.*texts|either/i],
      ['neither text nor texts', () => postJson({}), 400, 'INVALID_REQUEST', /text/],
      ['a number instead of a text', () => postJson({ text: 42 }), 400, 'INVALID_REQUEST', /text.*string/],
      ['a GET on the POST route', () => fetch(`${base}/v1/emotion`), 405, 'METHOD_NOT_ALLOWED', /POST/],
      ['a POST on a GET route (which also serves HEAD)', () => fetch(`${base}/healthz`, { method: 'POST' }), 405, 'METHOD_NOT_ALLOWED', /use GET or HEAD/],
      ['a body over the limit', () => postDeclaring(BODY_LIMIT_BYTES + 1), 413, 'BODY_TOO_LARGE', /over the limit of [\d,]+ bytes/],
      ['an empty body', () => post(''), 400, 'BAD_REQUEST', /empty/],
      ['bytes that are not UTF-8', () => post(Buffer.from('{"text":"caf\xe9 \xff\xfe great"}', 'latin1')), 400, 'INVALID_ENCODING', /UTF-8/],
      ['a charset other than UTF-8', () => post('{"text":"hi"}', 'application/json; charset=latin1'), 415, 'UNSUPPORTED_MEDIA_TYPE', /UTF-8.*latin1/],
      ['arrays nested deeper than any request', () => post(`{"text":${'['.repeat(200_000)}${']'.repeat(200_000)}}`), 400, 'INVALID_REQUEST', /deeper than 3/],
      ['a __proto__ key', () => post('{"__proto__":{"x":1},"text":"hi"}'), 400, 'INVALID_REQUEST', /__proto__/],
      // Answered by Fastify before routing, and so before the error handler, unless it is told otherwise.
      ['a path with a malformed percent-escape', () => fetch(`${base}/v1/%ZZ`), 400, 'BAD_REQUEST', /not a valid URL/],
      ['an unknown path that reads as a route pattern', () => fetch(`${base}/:a(`), 404, 'NOT_FOUND', /No route GET \/:a\(/],
    ];

    it.each(cases)('%s', async (_name, send, status, code, message) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await response.json()) as ApiError;
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(message);
      await expectStillServing();
    });
  });

  it('GET /openapi.json describes POST /v1/emotion with its request and response', async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    const spec = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>> };
    expect(spec.openapi).toMatch(/^3\./);
    const operation = spec.paths['/v1/emotion']?.post;
    expect(operation?.requestBody).toBeDefined();
    expect(operation?.responses?.['200']).toBeDefined();
    expect(JSON.stringify(operation)).toContain('"texts"');
  });

  it('GET /metrics is served beside 200 concurrent analyses, every analysis succeeds, and each of their texts is counted', async () => {
    const classifiedBefore = classifiedTexts(await (await fetch(`${base}/metrics`)).text());
    const load = Array.from({ length: LOAD_REQUESTS }, (_, i) => postJson({ text: `request ${i}: I am scared of the storm` }));
    const scrape = await fetch(`${base}/metrics`);
    const responses = await Promise.all(load);
    expect(responses.map((response) => response.status)).toEqual(Array(LOAD_REQUESTS).fill(200));
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/text\/plain/);
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(after).toMatch(/^feelbot_classification_duration_seconds_count \d+/m);
    expect(classifiedTexts(after) - classifiedBefore).toBe(LOAD_REQUESTS);
    expect(after).toMatch(/^feelbot_queue_jobs\{state="waiting"\} 0/m);
    expect(after).toMatch(/^feelbot_process_resident_memory_bytes \d+/m);
    expect(after).toMatch(/^bullmq_job_count\{queue="replies", ?state="waiting"\} 0/m);
    expect(await scrape.text()).toMatch(/^feelbot_classification_duration_seconds_bucket/m);
  });

  it('GET /healthz is 200 `ok` with Redis and the classifier up, and 200 `degraded` naming Redis while it is down, since analyses go on without it', async () => {
    const up = await fetch(`${base}/healthz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok', checks: { redis: 'up', classifier: 'up' } });

    await redis.crash();
    try {
      const down = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(down.status).toBe(200);
      expect(await down.json()).toEqual({ status: 'degraded', checks: { redis: 'down', classifier: 'up' } });
      const metrics = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/^feelbot_classification_duration_seconds_count \d+/m);
      expect(text).not.toMatch(/^feelbot_queue_jobs\{/m); // No stale queue depth while Redis is unreachable.
      await expectStillServing();
    } finally {
      // Whatever failed above, the tests after this one get their Redis, and a process connected to it, back.
      await redis.revive();
      await waitUntil(async () => ((await (await fetch(`${base}/healthz`)).json()) as { status: string }).status === 'ok');
    }
  });

  it('a port another process listens on stops it with CONFIG_INVALID naming the setting, not a stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const clash = new FeelbotProcess(['api'], { REDIS_URL: redis.url, EMOTION_MODEL: SHIPPED_EMOTION_MODEL, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) });
    try {
      expect(await clash.waitForExit()).not.toBe(0);
      const output = clash.output.join('\n');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).toMatch(new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}: another process already listens there \\(EADDRINUSE\\); set HTTP_HOST / HTTP_PORT`));
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      await clash.stop('SIGKILL');
      taken.close();
    }
  });

  it('a process started while Redis is unreachable answers /metrics (its own metrics) and /healthz at once, and analyses once its classifier is up', async () => {
    const lonely = startApi('redis://127.0.0.1:1');
    try {
      const lonelyBase = await baseOf(lonely);
      const health = await fetch(`${lonelyBase}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(await health.json()).toMatchObject({ checks: { redis: 'down' } });
      const metrics = await fetch(`${lonelyBase}/metrics`, { signal: AbortSignal.timeout(5_000) });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^# HELP feelbot_classification_duration_seconds/m);
      await waitUntil(async () => (await fetch(`${lonelyBase}/healthz`)).status === 200);
      const ready = await fetch(`${lonelyBase}/healthz`);
      expect(await ready.json()).toEqual({ status: 'degraded', checks: { redis: 'down', classifier: 'up' } });
      const analysis = await fetch(`${lonelyBase}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'i feel so happy today' }) });
      expect(analysis.status).toBe(200);
      expect(((await analysis.json()) as Analysis).emotion).toBe('joy');
    } finally {
      await lonely.stop('SIGKILL');
    }
  });

  it('SIGTERM stops the process with exit code 0', async () => {
    // A process of its own: the one the other tests share stays up whatever order they run in.
    const stopping = startApi(redis.url);
    try {
      const stoppingBase = await baseOf(stopping);
      await waitUntil(async () => (await fetch(`${stoppingBase}/healthz`)).status === 200);
      void stopping.stop('SIGTERM');
      expect(await exitWithin(stopping, SIGTERM_EXIT_MS)).toBe(0);
    } finally {
      await stopping.stop('SIGKILL');
    }
  });
});

describe("GET /metrics beside analyses held in the classifier (the API's server and classifier wiring, in this process)", () => {
  it('a scrape is answered while analyses wait in the classifier, counting none of them; once they settle, it counts every text', async () => {
    const { classifier: model, calls, release } = holdingClassifier();
    const metrics = new PrometheusMetrics();
    // As `feelbot api` wires it: batched calls to a model timed for the metrics.
    const classifier = new BatchingClassifier(new InstrumentedClassifier(model, metrics));
    const app = await buildServer({ logger: createLogger('silent', 'test'), registry: metrics.registry, health: {}, classifier: () => classifier });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const local = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const load = Array.from({ length: HELD_REQUESTS }, (_, i) =>
        fetch(`${local}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `request ${i}` }) }),
      );
      await expect.poll(() => calls.flat().length, { timeout: 10_000 }).toBe(HELD_REQUESTS);
      // Every analysis is still in the model: a scrape queued behind them would time out here.
      const during = await fetch(`${local}/metrics`, { signal: AbortSignal.timeout(5_000) });
      expect(during.status).toBe(200);
      const duringText = await during.text();
      expect(classifiedTexts(duringText)).toBe(0);
      expect(duringText).toMatch(/^feelbot_classification_duration_seconds_count 0$/m);
      release();
      const responses = await Promise.all(load);
      expect(responses.map((response) => response.status)).toEqual(Array(HELD_REQUESTS).fill(200));
      const after = await (await fetch(`${local}/metrics`)).text();
      expect(classifiedTexts(after)).toBe(HELD_REQUESTS);
      expect(after).toMatch(/^feelbot_classification_duration_seconds_count [1-9]\d*$/m);
    } finally {
      release();
      await app.close();
    }
  });
});

/** The classified-texts counter in a /metrics scrape. */
function classifiedTexts(scrape: string): number {
  const found = /^feelbot_classified_texts_total (\d+)$/m.exec(scrape);
  expect(found, 'feelbot_classified_texts_total in the scrape').not.toBeNull();
  return Number(found![1]);
}

/** A `feelbot api` process on the shipped classifier, listening on a free loopback port, with a prefix of its own. */
function startApi(redisUrl: string): FeelbotProcess {
  return new FeelbotProcess(['api'], {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `{http-${randomUUID().slice(0, 8)}}`,
    EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
  });
}

/** The base URL of a started process, once it logs that it is listening. */
async function baseOf(process: FeelbotProcess): Promise<string> {
  const listening = await process.waitForLog((line) => line.msg === 'http listening');
  const [address] = listening.address as { address: string; port: number }[];
  return `http://127.0.0.1:${address!.port}`;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
