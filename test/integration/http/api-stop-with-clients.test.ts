import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransformersClassifier } from '../../../src/adapters/transformers/transformers-classifier.js';
import { buildServer } from '../../../src/http/build-server.js';
import { TEXTS_PER_CALL } from '../../../src/http/routes/emotion-route.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { holdingClassifier } from '../../support/holding-classifier.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useCleanups } from '../../support/cleanups.js';
import { FeelbotProcess } from '../../support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** Compose gives the api container 20 s (stop_grace_period) before SIGKILL; a stop with clients connected must take seconds. */
const SIGTERM_EXIT_MS = 10_000;
/** main.ts's forced exit, 30 s after a stop signal. */
const FORCED_EXIT_MS = 30_000;

const WORDS = ['happy', 'sad', 'angry', 'today', 'work', 'love', 'scared', 'what', 'the', 'a', 'I', 'am', 'so', 'really', 'wow'];

const heavyTexts = 256;
/** A quarter of the heavy batch: still running 200 ms after it is sent, done long before the stop's 10 s grace. */
const SIGTERM_BATCH_TEXTS = 64;

/** A valid batch that keeps the shipped classifier busy for a few seconds: `count` texts of ~3,990 ASCII characters. */
function heavyBatch(count = heavyTexts): string {
  const texts = Array.from({ length: count }, (_, i) => {
    let text = '';
    let k = i;
    while (text.length < 3_990) text += `${WORDS[(k = (k * 7 + 3) % WORDS.length)]} `;
    return text.slice(0, 3_990);
  });
  return JSON.stringify({ texts });
}

/** A `feelbot api` process on the shipped classifier, on a free loopback port; `env` adds to its settings. */
function startApi(redisUrl: string, env: Record<string, string> = {}): FeelbotProcess {
  return new FeelbotProcess(['api'], {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `{stop-${randomUUID().slice(0, 8)}}`,
    EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
}

/** The port of a started process, once it answers /healthz 200 (its classifier loaded). */
async function readyPort(api: FeelbotProcess): Promise<number> {
  const listening = await api.waitForLog((line) => line.msg === 'http listening');
  const port = (listening.address as { port: number }[])[0]!.port;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false)) return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the api never became ready');
}

/** Sends SIGTERM and resolves with the exit code and how long the process took to go. */
async function terminate(api: FeelbotProcess): Promise<{ code: number | null; ms: number }> {
  const signalled = Date.now();
  const code = await api.stop('SIGTERM');
  return { code, ms: Date.now() - signalled };
}

/** A raw connection that has sent a request's headers and the start of its body, and trickles a byte in every `everyMs`, never idle long enough to time out. */
async function tricklingUpload(port: number, everyMs: number): Promise<{ socket: Socket; closed: Promise<void>; stop: () => void }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"te');
  const trickle = setInterval(() => socket.writable && socket.write(' '), everyMs);
  return { socket, closed, stop: () => (clearInterval(trickle), socket.destroy()) };
}

describe('SIGTERM of a real `feelbot api` process with clients connected', () => {
  let redis: PrivateRedis;
  const running: FeelbotProcess[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((api) => api.stop('SIGKILL')));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a keep-alive client whose analysis runs at SIGTERM gets its answer, with Connection: close, and the process exits 0 in seconds', async () => {
    const api = startApi(redis.url);
    running.push(api);
    const port = await readyPort(api);
    // What every HTTP client library (undici/fetch, requests.Session, a reverse proxy's upstream pool) does.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let answer: { status: number; connection: string | undefined } | undefined;
    // Settles once the answer has ended or the connection closed without one: the child's exit can
    // reach this process before the answer's last bytes are read.
    let settled!: Promise<void>;
    await new Promise<void>((bodySent, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/v1/emotion', method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          response.on('end', () => (answer = { status: response.statusCode ?? 0, connection: response.headers.connection }));
        },
      );
      settled = new Promise((resolve) => request.once('close', () => resolve()));
      request.on('error', reject);
      request.end(heavyBatch(SIGTERM_BATCH_TEXTS), () => bodySent());
    });
    // The batch takes about a second of CPU: it is being analysed when the signal comes, and done
    // well within the 10 s the stop gives answers running, however loaded the machine.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answer, 'still analysing at SIGTERM').toBeUndefined();
    const exit = await terminate(api);
    await settled;
    agent.destroy();
    expect(answer, 'the running analysis is answered').toEqual({ status: 200, connection: 'close' });
    // Held by the kept-alive connection, it went only at its 30 s keep-alive timeout, or at main.ts's forced exit (code 1).
    expect({ code: exit.code, withinBudget: exit.ms < SIGTERM_EXIT_MS }, `exit ${exit.code} after ${exit.ms} ms`).toEqual({ code: 0, withinBudget: true });
  }, 90_000);

  it('a client still sending its request at SIGTERM (headers sent, body trickling in) does not hold the process up', async () => {
    const api = startApi(redis.url);
    running.push(api);
    const port = await readyPort(api);
    // A slow uploader: a byte every 2 s, never idle for the 30 s idle timeout.
    const upload = await tricklingUpload(port, 2_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const exit = await terminate(api);
      // Held until the request's own timeouts (headers 30 s, request 60 s), or main.ts's 30 s forced exit (code 1).
      expect({ code: exit.code, withinBudget: exit.ms < SIGTERM_EXIT_MS }, `exit ${exit.code} after ${exit.ms} ms`).toEqual({ code: 0, withinBudget: true });
    } finally {
      upload.stop();
    }
  }, 90_000);

  it('a stop still unfinished 30 s after SIGTERM is ended with exit code 1 and an error line saying so, with its code', async () => {
    // A server whose close never ends: what a stop stuck on something (a connection, a library) looks like.
    const dir = await mkdtemp(join(tmpdir(), 'feelbot-stuck-close-'));
    try {
      const preload = join(dir, 'stuck-close.mjs');
      await writeFile(preload, "import { Server } from 'node:http';\nServer.prototype.close = function () { return this; };\n");
      const api = startApi(redis.url, { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(preload).href}`].filter(Boolean).join(' ') });
      running.push(api);
      await api.waitForLog((line) => line.msg === 'http listening');
      const exit = await terminate(api);
      expect(exit.code).toBe(1);
      expect(exit.ms).toBeGreaterThanOrEqual(FORCED_EXIT_MS - 1_000);
      const errors = api.logs.filter((line) => line.level === 'error');
      expect(errors, api.output.slice(-10).join('\n')).toEqual([
        expect.objectContaining({ code: 'SHUTDOWN_TIMEOUT', signal: 'SIGTERM', msg: expect.stringMatching(/30 s after SIGTERM/) }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('closing the HTTP server (in this process) with connections open', () => {
  const cleanups = useCleanups();

  /** A listening server whose classifier holds every analysis until `release`; `calls` counts the analyses begun. */
  async function serverHoldingAnalyses(closeGraceMs?: number) {
    const { classifier: holding, calls, release } = holdingClassifier();
    const app = await buildServer({ logger: capturedLogger().logger, registry: new Registry(), health: {}, classifier: () => holding, closeGraceMs });
    await app.listen({ host: '127.0.0.1', port: 0 });
    // Newest first: the analyses are let go before the server closes.
    cleanups.push(() => app.close(), () => release());
    return { app, port: (app.server.address() as AddressInfo).port, release, calls: () => calls.length };
  }

  /** One connection that sends `body` to /v1/emotion; what it receives, and when it closes. */
  function analysisConnection(port: number, body: string) {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    cleanups.push(() => void socket.destroy());
    return { received: () => received, closed };
  }

  it('the answer in flight still goes out, with Connection: close, and its connection is closed after it; a connection still sending its request is closed at once', async () => {
    const server = await serverHoldingAnalyses();
    const answering = analysisConnection(server.port, '{"text":"I am so happy"}');
    await expect.poll(server.calls, { timeout: 5_000 }).toBe(1);
    const upload = await tricklingUpload(server.port, 100);
    cleanups.push(upload.stop);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = server.app.close();
    const uploadClosed = await Promise.race([upload.closed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 2_000))]);
    expect(uploadClosed, 'the connection still sending its request is closed as the server closes').toBe(true);
    expect(answering.received(), 'nothing answered before the analysis ends').toBe('');
    server.release();
    await closing;
    await answering.closed;
    expect(answering.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answering.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(answering.received()).toContain('"emotion"');
  }, 10_000);

  it('an answer still running past the grace is cut off, and the close then ends once the classifier call running is done, with no further call begun', async () => {
    const server = await serverHoldingAnalyses(300);
    const texts = Array.from({ length: 2 * TEXTS_PER_CALL }, (_, i) => `text ${i}`);
    const answering = analysisConnection(server.port, JSON.stringify({ texts }));
    await expect.poll(server.calls, { timeout: 5_000 }).toBe(1);
    const started = Date.now();
    let closed = false;
    const closing = server.app.close().then(() => void (closed = true));
    await answering.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answering.received()).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Its classifier is disposed next (`feelbot api`, or the worker of `feelbot start`).
    expect(closed, 'the close waits for the classifier call still running').toBe(false);
    server.release();
    await closing;
    expect(server.calls(), 'no texts are analysed for the client cut off').toBe(1);
  }, 10_000);

  it('on the shipped classifier, no analysis is still running when the close ends and the classifier is disposed', async () => {
    const loaded = await TransformersClassifier.load({ model: SHIPPED_EMOTION_MODEL });
    let running = 0;
    let calls = 0;
    const classifier: EmotionClassifier = {
      classify: async (texts) => {
        running += 1;
        calls += 1;
        try {
          return await loaded.classify(texts);
        } finally {
          running -= 1;
        }
      },
      dispose: () => loaded.dispose(),
    };
    const app = await buildServer({ logger: capturedLogger().logger, registry: new Registry(), health: {}, classifier: () => classifier, closeGraceMs: 300 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());
    const answering = analysisConnection((app.server.address() as AddressInfo).port, heavyBatch());
    await expect.poll(() => running, { timeout: 10_000 }).toBe(1);
    await app.close();
    // What `feelbot api` does next, and `feelbot start` through its worker: a session disposed mid-run dumps the texts' token ids to stderr.
    const runningAtDispose = running;
    await classifier.dispose();
    expect(runningAtDispose, 'analyses still running on the classifier as it is disposed').toBe(0);
    expect(answering.received()).toBe('');
    expect(calls, 'the rest of the batch is not analysed for the client cut off').toBeLessThan(heavyTexts / TEXTS_PER_CALL);
  }, 60_000);
});
