import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/http/build-server.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { holdingClassifier } from '../../support/holding-classifier.js';
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

describe('a request that reaches the API while it stops (SIGTERM: the server closes with an analysis still running)', () => {
  it("is refused with 503 SHUTTING_DOWN in the API's shape and Connection: close, while the running analysis is still answered", async () => {
    const { classifier: holding, calls, release } = holdingClassifier();
    const app = await buildServer({ logger: capturedLogger().logger, registry: new Registry(), health: {}, classifier: () => holding });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    // One keep-alive connection: its first analysis is running when the server is told to stop.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(analysisRequest('{"text":"first"}'));
    await expect.poll(() => calls.length, { timeout: 5_000 }).toBe(1);
    const closing = app.close();
    // The client's next request on that connection arrives during the drain.
    socket.write(analysisRequest('{"text":"second"}'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await closing;
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    socket.destroy();
    const responses = httpResponses(received);
    expect(responses.map((response) => response.status), received).toEqual([200, 503]);
    const refused = responses[1]!;
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: 'SHUTTING_DOWN', message: expect.stringMatching(/stopping/) } });
    expect(calls.length).toBe(1);
  });
});

describe("what Node refuses before any route runs is answered in the API's shape too, and the connection closed", () => {
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((app) => app.close()));
  });

  /** What a listening server sends back to raw bytes written on one connection, trickling a space every 100 ms when asked, until it closes. */
  async function rawAnswer(bytes: string, options: { trickle?: boolean; requestTimeoutMs?: number } = {}) {
    const app = await buildServer({ logger: capturedLogger().logger, registry: new Registry(), health: {}, classifier: () => classifier, requestTimeoutMs: options.requestTimeoutMs });
    servers.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(bytes);
    const trickle = options.trickle ? setInterval(() => socket.writable && socket.write(' '), 100) : undefined;
    await closed;
    clearInterval(trickle);
    return httpResponses(received);
  }

  it('a request not received whole within its time is a 408 REQUEST_TIMEOUT', async () => {
    const [answer, ...more] = await rawAnswer('POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{', { trickle: true, requestTimeoutMs: 500 });
    expect(more).toEqual([]);
    expect(answer!.status).toBe(408);
    expect(answer!.headers.connection).toBe('close');
    expect(answer!.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(answer!.body)).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: expect.stringMatching(/in time/) } });
  });

  it('headers over the size limit are a 431 HEADERS_TOO_LARGE', async () => {
    const [answer] = await rawAnswer(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer!.status).toBe(431);
    expect(JSON.parse(answer!.body)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } });
  });

  it('bytes that are not HTTP are a 400 BAD_REQUEST', async () => {
    const [answer] = await rawAnswer('HELLO THERE\r\n\r\n');
    expect(answer!.status).toBe(400);
    expect(JSON.parse(answer!.body)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.stringMatching(/HTTP/) } });
  });
});

function analysisRequest(body: string): string {
  return `POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The responses in what one connection received, read by their Content-Length. */
function httpResponses(received: string): Array<{ status: number; headers: Record<string, string>; body: string }> {
  const responses: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
  let rest = received;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine = '', ...headerLines] = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return responses;
}
