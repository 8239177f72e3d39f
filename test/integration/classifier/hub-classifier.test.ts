import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { itPrivileged } from '../../support/privileged-test.js';
import { trySetup } from '../../support/privileged.js';
import { makeReadOnlyDir } from '../../support/read-only-dir.js';

const SHIPPED = fileURLToPath(new URL('../../../models/emotion/', import.meta.url));
const HUB_ID = 'someone/emotion-onnx';
/** Another id for the refused model: transformers.js shares requests still under way for the same file of the same id. */
const GATED_ID = 'someone/gated-emotion-onnx';
/** Another id for the model that cannot be written into a read-only MODELS_DIR. */
const READ_ONLY_ID = 'someone/unwritable-emotion-onnx';
/** Another id for the model whose download is stopped: the same files as HUB_ID. */
const STOPPED_ID = 'someone/stopped-emotion-onnx';
/** A hub download that never gives up is still waiting here; the stall timeout is 15 s. */
const DEADLINE_MS = 22_000;

type Answer = 'files' | 'nothing' | 'trickle' | 401;

/**
 * A Hugging Face hub on 127.0.0.1: serving the shipped classifier as HUB_ID (404 for anything else),
 * answering nothing at all (a proxy that accepts and never answers), or 401 to everything (a gated model).
 */
async function fakeHub(answer: Answer): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (answer === 'nothing') return;
    if (answer === 401) {
      response.writeHead(401).end(`Access to model ${GATED_ID} is restricted.`);
      return;
    }
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(request.url ?? '');
    const file = match && ([HUB_ID, STOPPED_ID, READ_ONLY_ID].includes(match[1]!)) ? join(SHIPPED, decodeURIComponent(match[2]!)) : undefined;
    if (!file || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-length': statSync(file).size });
    if (request.method === 'HEAD') response.end();
    else if (answer === 'trickle') trickle(file, response);
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

/** Sends `file` a kilobyte every 50 ms: a download that keeps going, too slowly to finish within a test. */
function trickle(file: string, response: ServerResponse): void {
  const bytes = readFileSync(file);
  let sent = 0;
  const timer = setInterval(() => {
    if (response.destroyed || sent >= bytes.length) {
      clearInterval(timer);
      if (!response.destroyed) response.end();
      return;
    }
    response.write(bytes.subarray(sent, (sent += 1_024)));
  }, 50);
  response.on('close', () => clearInterval(timer));
}

/** The error code (and message) loading `model` ends with, or what it did instead within DEADLINE_MS. */
async function outcomeOfLoading(model: string, cacheDir: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still waiting after ${DEADLINE_MS} ms`), DEADLINE_MS)));
  const loading = loadEmotionModel({ model, cacheDir }).then(
    async (model) => {
      await model.dispose();
      return 'loaded';
    },
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  );
  return Promise.race([loading, late]).finally(() => clearTimeout(timer));
}

/** An empty MODELS_DIR this process may not write into. */
const readOnly = trySetup(() => makeReadOnlyDir('feelbot-hub-ro-'));

describe('a hub EMOTION_MODEL', () => {
  const originalHost = env.remoteHost;
  let server: Server | undefined;
  let cacheDir = '';
  afterAll(() => readOnly.made?.remove());
  afterEach(() => {
    env.remoteHost = originalHost;
    server?.closeAllConnections();
    server?.close();
    server = undefined;
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('once downloaded into MODELS_DIR/hub, loads again while the hub accepts connections and never answers (a restart during a hub outage)', async () => {
    const hub = await fakeHub('files');
    server = hub.server;
    env.remoteHost = hub.url;
    cacheDir = mkdtempSync(join(tmpdir(), 'feelbot-hub-'));
    const first = await loadEmotionModel({ model: HUB_ID, cacheDir });
    await first.dispose();
    expect(hub.requests.length).toBeGreaterThan(0);
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));

    const silent = await fakeHub('nothing');
    server = silent.server;
    env.remoteHost = silent.url;
    const again = await loadEmotionModel({ model: HUB_ID, cacheDir });
    expect((await again.classify(['I finally got the job!']))[0]!.emotion).toBe('joy');
    await again.dispose();
  }, 60_000);

  it('fails with MODEL_DOWNLOAD_FAILED once the stall timeout passes when the hub never answers, as a stalled GGUF download does', async () => {
    const hub = await fakeHub('nothing');
    server = hub.server;
    env.remoteHost = hub.url;
    cacheDir = mkdtempSync(join(tmpdir(), 'feelbot-hub-'));
    expect(await outcomeOfLoading(HUB_ID, cacheDir)).toMatch(new RegExp(`^${ErrorCodes.ModelDownloadFailed}: .*no download progress for 15000 ms`));
    expect(hub.requests.length).toBeGreaterThan(0);
  }, 30_000);

  it('a stop signal ends a download under way at once with INTERRUPTED, and the next start downloads the model whole', async () => {
    const slow = await fakeHub('trickle');
    server = slow.server;
    env.remoteHost = slow.url;
    cacheDir = mkdtempSync(join(tmpdir(), 'feelbot-hub-'));
    const stop = new AbortController();
    const loading = loadEmotionModel({ model: STOPPED_ID, cacheDir, signal: stop.signal });
    await expect.poll(() => slow.requests.some((request) => request.startsWith('GET')), { timeout: 10_000 }).toBe(true);
    const stoppedAt = Date.now();
    stop.abort(new Error('SIGTERM'));
    const outcome = await loading.then(
      async (model) => (await model.dispose(), 'loaded'),
      (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
    );
    expect(outcome).toBe(`${ErrorCodes.Interrupted}: Stopped before EMOTION_MODEL ${STOPPED_ID} finished downloading from the Hugging Face hub.`);
    // Under the stall timeout's 15 s by far: the stop, not a timeout, ended it.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));

    const hub = await fakeHub('files');
    server = hub.server;
    env.remoteHost = hub.url;
    const again = await loadEmotionModel({ model: STOPPED_ID, cacheDir });
    expect((await again.classify(['I finally got the job!']))[0]!.emotion).toBe('joy');
    await again.dispose();
  }, 60_000);

  itPrivileged('into a read-only MODELS_DIR fails with MODELS_DIR_UNWRITABLE, not as a network problem', readOnly, async ({ path: readOnlyDir }) => {
    const hub = await fakeHub('files');
    server = hub.server;
    env.remoteHost = hub.url;
    const outcome = await outcomeOfLoading(READ_ONLY_ID, join(readOnlyDir, 'hub'));
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelsDirUnwritable}: MODELS_DIR cannot be written: EMOTION_MODEL ${READ_ONLY_ID} is not in ${join(readOnlyDir, 'hub')} yet`));
    expect(outcome).not.toContain('internet connection');
  });

  it('a hub that refuses it (401: a gated model, a missing or wrong HF_TOKEN) says to check HF_TOKEN and accept the terms on its page', async () => {
    const hub = await fakeHub(401);
    server = hub.server;
    env.remoteHost = hub.url;
    cacheDir = mkdtempSync(join(tmpdir(), 'feelbot-hub-'));
    const outcome = await outcomeOfLoading(GATED_ID, cacheDir);
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelDownloadFailed}: `));
    expect(outcome).toContain('HF_TOKEN');
    expect(outcome).toContain(`https://huggingface.co/${GATED_ID}`);
    expect(outcome).not.toContain('internet connection');
  });
});
