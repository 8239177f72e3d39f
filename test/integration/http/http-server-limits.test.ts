import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { buildServer } from '../../../src/http/build-server.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';

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

  it('answers 503 BUSY with Retry-After past its texts in flight, instead of queueing without end, and serves again once they are done', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const classifier: EmotionClassifier = {
      classify: async (texts): Promise<EmotionAnalysis[]> => (calls++, await held, texts.map(() => buildAnalysis())),
      dispose: async () => undefined,
    };
    app = await buildServer({ logger: createLogger('silent', 'test'), registry: new Registry(), health: {}, classifier: () => classifier, maxTextsInFlight: 3 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const analyse = (texts: string[]) =>
      fetch(`http://127.0.0.1:${port}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
    const first = analyse(['one', 'two']);
    // The first request is in the classifier before the second arrives.
    await expect.poll(() => calls, { timeout: 10_000 }).toBe(1);
    const busy = await analyse(['three', 'four']);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('BUSY');
    release();
    expect((await first).status).toBe(200);
    expect((await analyse(['three', 'four'])).status).toBe(200);
  });
});
