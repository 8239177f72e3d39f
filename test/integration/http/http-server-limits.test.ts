import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { buildServer } from '../../../src/http/build-server.js';
import { TEXTS_PER_CALL } from '../../../src/http/routes/emotion-route.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { holdingClassifier } from '../../support/holding-classifier.js';

describe('the HTTP server under a slow or greedy client (real Fastify on a local port)', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('closes a connection whose request was left half sent, instead of holding it open', async () => {
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => undefined, idleTimeoutMs: 300 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te');
    const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000))]);
    socket.destroy();
    expect(outcome).toBe('closed');
  });

  it('closes a connection that trickles its body in, never idle long enough for the idle timeout, once the request time is up', async () => {
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => undefined, idleTimeoutMs: 5_000, requestTimeoutMs: 500 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    // Writes racing the server's close fail with EPIPE, which is the outcome looked for.
    socket.on('error', () => undefined);
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 4_000))]);
    clearInterval(trickle);
    socket.destroy();
    expect(outcome).toBe('closed');
  });

  it('answers an analysis that takes longer than the idle timeout: a client waiting for its answer is not idle', async () => {
    const idleTimeoutMs = 500;
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => slowClassifier(idleTimeoutMs * 3), idleTimeoutMs });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const outcome = await fetch(`http://127.0.0.1:${port}/v1/emotion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: ['I got the job!', 'I miss her'] }),
    }).then(
      (response) => `HTTP ${response.status}`,
      (error: Error) => `no response: ${String((error.cause as Error | undefined)?.message ?? error.message)}`,
    );
    expect(outcome).toBe('HTTP 200');
  });

  it.each([
    ['a quick answer', 0],
    ['an answer that took longer than the idle timeout', 1_500],
  ])('closes a keep-alive connection left silent after %s, once the idle timeout is up', async (_answer, analysisMs) => {
    const idleTimeoutMs = 500;
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => slowClassifier(analysisMs), idleTimeoutMs });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const body = '{"text":"I got the job!"}';
    socket.write(`POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await expect.poll(() => received, { timeout: 10_000 }).toMatch(/"scores"/);
    const answeredAt = Date.now();
    const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000))]);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(outcome).toBe('closed');
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(idleTimeoutMs - 50);
  });

  it('analyses no more texts of a client that went away, and frees their place among the texts in flight', async () => {
    const { classifier, calls, release } = holdingClassifier();
    const gone = Array.from({ length: 3 * TEXTS_PER_CALL }, (_, i) => `gone ${i}`);
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => classifier, maxTextsInFlight: gone.length });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const analyse = (texts: string[], signal?: AbortSignal) =>
      fetch(`http://127.0.0.1:${port}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }), signal });
    const leaving = new AbortController();
    const first = analyse(gone, leaving.signal).catch((error: Error) => error.name);
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(1);
    leaving.abort();
    expect(await first).toBe('AbortError');
    // The server has seen the connection close once it counts none.
    await expect.poll(() => new Promise<number>((resolve) => app!.server.getConnections((_error, count) => resolve(count))), { timeout: 5_000 }).toBe(0);
    release();
    const next = Array.from({ length: gone.length }, (_, i) => `next ${i}`);
    await expect.poll(async () => (await analyse(next)).status, { timeout: 10_000 }).toBe(200);
    const analysedForNobody = calls.flat().filter((text) => text.startsWith('gone')).length;
    expect(analysedForNobody).toBeLessThan(gone.length);
    expect(analysedForNobody).toBe(TEXTS_PER_CALL);
  });

  it('answers 503 BUSY with Retry-After past its texts in flight, instead of queueing without end, and serves again once they are done', async () => {
    const { classifier, calls, release } = holdingClassifier();
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => classifier, maxTextsInFlight: 3 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const analyse = (texts: string[]) =>
      fetch(`http://127.0.0.1:${port}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
    const first = analyse(['one', 'two']);
    // The first request is in the classifier before the second arrives.
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(1);
    const busy = await analyse(['three', 'four']);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('BUSY');
    release();
    expect((await first).status).toBe(200);
    expect((await analyse(['three', 'four'])).status).toBe(200);
  });
});

/** A classifier that takes `ms` over every call, as a long batch on a busy CPU does. */
function slowClassifier(ms: number): EmotionClassifier {
  return {
    classify: async (texts): Promise<EmotionAnalysis[]> => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return texts.map(() => buildAnalysis());
    },
    dispose: async () => undefined,
  };
}
