import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/http/build-server.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';

const classifier: EmotionClassifier = { classify: async (texts) => texts.map(() => buildAnalysis()), dispose: async () => undefined };

/** What a fresh server (real Fastify, in this process) answers to one request, and the error lines it logged. */
async function answerTo(request: { method: 'GET' | 'POST' | 'DELETE'; url: string }) {
  const { logger, lines } = capturedLogger();
  const app: FastifyInstance = await buildServer({ logger, registry: new Registry(), health: {}, classifier: () => classifier });
  servers.push(app);
  const response = await app.inject(request);
  return { response, errorLines: () => lines.filter((line) => line.level === 'error').map((line) => line.msg) };
}

const servers: FastifyInstance[] = [];

describe('every error the API answers has its documented shape { error: { code, message } }', () => {
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((app) => app.close()));
  });

  it("a path with a malformed percent-escape is a 400 BAD_REQUEST in the API's shape, not Fastify's own body", async () => {
    const { response, errorLines } = await answerTo({ method: 'GET', url: '/v1/%ZZ' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.json()).toEqual({ error: { code: 'BAD_REQUEST', message: expect.stringMatching(/not a valid URL.*%/) } });
    expect(errorLines()).toEqual([]);
  });

  it('an unknown path that reads as a route pattern ("/:a(") is a 404 NOT_FOUND, not a 500 with an error line per request', async () => {
    for (const url of ['/:a(', '/v1/*', '/healthz/:x', '/(a']) {
      const { response, errorLines } = await answerTo({ method: 'GET', url });
      // Any client can send one: it must not page an operator.
      expect(errorLines(), url).toEqual([]);
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }
  });

  it('a path that is served, asked with another method, is still a 405 naming the methods it takes, a query string and all', async () => {
    const { response } = await answerTo({ method: 'DELETE', url: '/healthz?verbose=1' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(response.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringMatching(/use GET or HEAD/) } });
    const post = await answerTo({ method: 'GET', url: '/v1/emotion' });
    expect(post.response.statusCode).toBe(405);
    expect(post.response.headers.allow).toBe('POST');
  });

  it('an unknown plain path is a 404 NOT_FOUND', async () => {
    const { response } = await answerTo({ method: 'GET', url: '/v2/emotion' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No route GET /v2/emotion.' } });
  });
});
