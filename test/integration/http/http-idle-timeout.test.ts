import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { buildServer } from '../../../src/http/build-server.js';

describe('the HTTP server and a client that stops sending (real Fastify on a local port)', () => {
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
});
