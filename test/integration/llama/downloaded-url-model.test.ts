import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { closedPort } from '../../support/closed-port.js';
import { ggufPayload } from '../../support/gguf-payload.js';
import { startModelHost, type ModelHost } from '../../support/model-host.js';

const model = ggufPayload(2 * 1024 * 1024);
/** The model cut short, as an older feelbot saved a download from a host that sent no Content-Length. */
const shortModel = model.subarray(0, model.length - 60_000);
/** Short: a start that asks an unreachable host is refused at once; a hung one fails the test here. */
const STALL_TIMEOUT_MS = 3_000;

/** A host that sends the file under another name (Content-Disposition), as a CDN behind a redirect can. */
async function renamingHost(servedAs: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const headers = { 'content-length': model.length, 'content-disposition': `attachment; filename="${servedAs}"` };
    response.writeHead(200, headers).end(request.method === 'HEAD' ? undefined : model);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/mirror.Q4_K_M.gguf` };
}

describe('LLM_MODEL as an http(s):// URL of a .gguf file', () => {
  let host: ModelHost | undefined;
  let server: Server | undefined;
  let dir = '';
  afterEach(async () => {
    await host?.close();
    host = undefined;
    server?.closeAllConnections();
    server?.close();
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const options = () => ({ modelsDir: dir, showProgress: false, stallTimeoutMs: STALL_TIMEOUT_MS });

  it('once downloaded, the next start loads the file in MODELS_DIR without asking the host, and with the host down', async () => {
    host = await startModelHost(model, { kind: 'whole' }, 'mirror.Q4_K_M.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    const first = await resolveModel(host.url, options());
    expect(first).toBe(join(dir, 'mirror.Q4_K_M.gguf'));
    expect(readFileSync(first).equals(model)).toBe(true);

    const asked = host.requests.length;
    await expect(resolveModel(host.url, options())).resolves.toBe(first);
    expect(host.requests.slice(asked)).toEqual([]);

    const { url } = host;
    // The mirror is down (or the machine offline) when the worker restarts.
    await host.close();
    host = undefined;
    await expect(resolveModel(url, options())).resolves.toBe(first);
  }, 30_000);

  it('is saved under the URL\'s file name even when its host names it otherwise, so the next start finds it offline', async () => {
    const renaming = await renamingHost('served-name.gguf');
    server = renaming.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    const first = await resolveModel(renaming.url, options());
    expect(first).toBe(join(dir, 'mirror.Q4_K_M.gguf'));
    expect(readFileSync(first).equals(model)).toBe(true);
    server.closeAllConnections();
    server.close();
    server = undefined;
    await expect(resolveModel(renaming.url, options())).resolves.toBe(first);
  }, 30_000);

  it('a file put into MODELS_DIR beforehand under the URL\'s file name loads with the host unreachable', async () => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    writeFileSync(join(dir, 'prefilled.Q8_0.gguf'), model);
    const url = `http://127.0.0.1:${await closedPort()}/repo/resolve/main/prefilled.Q8_0.gguf?download=true`;
    await expect(resolveModel(url, options())).resolves.toBe(join(dir, 'prefilled.Q8_0.gguf'));
  });

  it('a partial download there is not taken for the model: with the host unreachable the start fails with MODEL_DOWNLOAD_FAILED', async () => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    writeFileSync(join(dir, 'partial.Q8_0.gguf.ipull'), model.subarray(0, model.length / 2));
    const url = `http://127.0.0.1:${await closedPort()}/partial.Q8_0.gguf`;
    await expect(resolveModel(url, options())).rejects.toMatchObject({ code: ErrorCodes.ModelDownloadFailed });
    expect(readdirSync(dir)).not.toContain('partial.Q8_0.gguf');
  }, 30_000);

  it('a file under the URL\'s file name that is short of the data its GGUF header lists is not taken for the model: with the host unreachable the start fails with MODEL_DOWNLOAD_FAILED', async () => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    writeFileSync(join(dir, 'short.Q8_0.gguf'), shortModel);
    const url = `http://127.0.0.1:${await closedPort()}/short.Q8_0.gguf`;
    await expect(resolveModel(url, options())).rejects.toMatchObject({ code: ErrorCodes.ModelDownloadFailed });
  }, 30_000);

  it('a short file under the URL\'s file name is downloaded again whole when the host is up', async () => {
    host = await startModelHost(model, { kind: 'whole' }, 'short.Q8_0.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    writeFileSync(join(dir, 'short.Q8_0.gguf'), shortModel);
    const path = await resolveModel(host.url, options());
    expect(path).toBe(join(dir, 'short.Q8_0.gguf'));
    expect(readFileSync(path).equals(model)).toBe(true);
  }, 30_000);

  it('a host that serves a GGUF cut short (at the size it states) fails the download with MODEL_DOWNLOAD_FAILED, and leaves nothing under the model\'s name', async () => {
    host = await startModelHost(shortModel, { kind: 'whole' }, 'cut.Q8_0.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-url-'));
    await expect(resolveModel(host.url, options())).rejects.toMatchObject({
      code: ErrorCodes.ModelDownloadFailed,
      message: expect.stringMatching(/cut\.Q8_0\.gguf is incomplete .*its GGUF header says its data runs to/),
    });
    expect(readdirSync(dir).filter((name) => name.endsWith('.gguf'))).toEqual([]);
  }, 30_000);
});
