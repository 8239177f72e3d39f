import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { ErrorCodes } from '../../../src/errors.js';

const SHIPPED = fileURLToPath(new URL('../../../models/emotion/', import.meta.url));
const HUB_ID = 'someone/emotion-onnx';
/** Another id for the refused model: transformers.js shares requests still under way for the same file of the same id. */
const GATED_ID = 'someone/gated-emotion-onnx';
/** A hub download that never gives up is still waiting here; the stall timeout is 15 s. */
const DEADLINE_MS = 22_000;

type Answer = 'files' | 'nothing' | 401;

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
    const file = match && match[1] === HUB_ID ? join(SHIPPED, decodeURIComponent(match[2]!)) : undefined;
    if (!file || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-length': statSync(file).size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
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

describe('a hub EMOTION_MODEL', () => {
  const originalHost = env.remoteHost;
  let server: Server | undefined;
  let cacheDir = '';
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
