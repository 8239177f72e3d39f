import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { ggufPayload } from '../../support/gguf-payload.js';

const model = ggufPayload(12 * 1024 * 1024);
const CUT_AT = 7_000_000;
/** The model cut into three binary parts, as hosts that cap a file's size serve it. */
const PART_BYTES = Math.ceil(model.length / 3);
const modelParts = [0, 1, 2].map((index) => model.subarray(index * PART_BYTES, (index + 1) * PART_BYTES));
const STALL_TIMEOUT_MS = 3_000;
/** A download that never gives up is still running here. */
const DEADLINE_MS = 20_000;

/**
 * A file host that streams the file with no Content-Length (chunked), as a compressing proxy or a
 * dynamic endpoint does. `cut` drops the connection after `at` bytes; `end` ends the response there cleanly.
 */
function unsizedHost(short?: { at: number; how: 'cut' | 'end' | 'go silent' }): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    response.writeHead(200, {});
    if (request.method === 'HEAD') return void response.end();
    if (short === undefined) return void response.end(model);
    const sent = model.subarray(0, short.at);
    if (short.how === 'end') return void response.end(sent);
    if (short.how === 'go silent') return void response.write(sent);
    response.write(sent, () => setTimeout(() => response.destroy(), 100));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/m/model.Q8_0.gguf` })),
  );
}

/** The same host for a model split into binary parts (`….gguf.part1of3`): each part with no Content-Length; `short` ends part `part` after `at` of its bytes. */
function unsizedPartsHost(short?: { part: number; at: number }): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const part = Number(/\.part(\d)of3$/.exec(request.url ?? '')?.[1]);
    const bytes = modelParts[part - 1];
    if (bytes === undefined) return void response.writeHead(404).end();
    response.writeHead(200, {});
    if (request.method === 'HEAD') return void response.end();
    response.end(short?.part === part ? bytes.subarray(0, short.at) : bytes);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/m/model.Q8_0.gguf.part1of3` })),
  );
}

function files(dir: string): Record<string, number> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).size]));
}

describe('LLM_MODEL from a host that sends no Content-Length', () => {
  let server: Server | undefined;
  let dir = '';
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const options = () => ({ modelsDir: dir, showProgress: false, stallTimeoutMs: STALL_TIMEOUT_MS });

  /** What became of resolving `url`: the error code, the size downloaded, or still running at the deadline. */
  async function outcomeOf(url: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      resolveModel(url, options()).then(
        (path) => `downloaded ${statSync(path).size} bytes`,
        (error: { code?: string }) => String(error.code),
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still downloading after ${DEADLINE_MS} ms: ${JSON.stringify(files(dir))}`), DEADLINE_MS))),
    ]).finally(() => clearTimeout(timer));
  }

  it('a whole, cleanly ended download is saved byte for byte (not silently short, then loaded on every start), with nothing else left', async () => {
    const host = await unsizedHost();
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    const path = await resolveModel(host.url, options());
    expect(readFileSync(path).equals(model)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.Q8_0.gguf']);
  }, 30_000);

  it('a connection cut after 7 MB fails within the stall timeout, never writes more than was sent, and leaves no model to load', async () => {
    const host = await unsizedHost({ at: CUT_AT, how: 'cut' });
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    expect(await outcomeOf(host.url)).toBe(ErrorCodes.ModelDownloadFailed);
    expect(Math.max(0, ...Object.values(files(dir)))).toBeLessThanOrEqual(CUT_AT);
    expect(readdirSync(dir)).not.toContain('model.Q8_0.gguf');
  }, 40_000);

  it('a response that ends cleanly after 7 MB is found short by the GGUF it carries: MODEL_DOWNLOAD_FAILED, and the next start does not load it', async () => {
    const host = await unsizedHost({ at: CUT_AT, how: 'end' });
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    await expect(resolveModel(host.url, options())).rejects.toMatchObject({
      code: ErrorCodes.ModelDownloadFailed,
      message: expect.stringMatching(/incomplete/),
    });
    expect(readdirSync(dir)).not.toContain('model.Q8_0.gguf');
    // The host is gone: a start that took the short file for the model would load it now.
    server.closeAllConnections();
    server.close();
    server = undefined;
    expect(await outcomeOf(host.url)).toBe(ErrorCodes.ModelDownloadFailed);
  }, 40_000);

  it('a model split into binary parts (.gguf.part1of3) is downloaded part by part and saved joined, byte for byte, with nothing else left', async () => {
    const host = await unsizedPartsHost();
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    const path = await resolveModel(host.url, options());
    expect(path).toBe(join(dir, 'model.Q8_0.gguf'));
    expect(readFileSync(path).equals(model)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.Q8_0.gguf']);
  }, 30_000);

  it('a binary part that ends cleanly short is found short in the joined file: MODEL_DOWNLOAD_FAILED, and the next start does not load it', async () => {
    const host = await unsizedPartsHost({ part: 2, at: 1_000_000 });
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    const joined = 2 * PART_BYTES + 1_000_000;
    await expect(resolveModel(host.url, options())).rejects.toMatchObject({
      code: ErrorCodes.ModelDownloadFailed,
      message: expect.stringContaining(`model.Q8_0.gguf is incomplete or not a GGUF model (it is ${joined.toLocaleString('en-US')} bytes, and its GGUF header says its data runs to ${model.length.toLocaleString('en-US')})`),
    });
    expect(readdirSync(dir)).not.toContain('model.Q8_0.gguf');
    server.closeAllConnections();
    server.close();
    server = undefined;
    expect(await outcomeOf(host.url)).toBe(ErrorCodes.ModelDownloadFailed);
  }, 40_000);

  it('a connection that goes silent fails with MODEL_DOWNLOAD_FAILED once no byte comes for the stall timeout, keeping nothing', async () => {
    const host = await unsizedHost({ at: CUT_AT, how: 'go silent' });
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    await expect(resolveModel(host.url, options())).rejects.toMatchObject({
      code: ErrorCodes.ModelDownloadFailed,
      message: expect.stringContaining(`no download progress for ${STALL_TIMEOUT_MS} ms`),
    });
    expect(readdirSync(dir)).toEqual([]);
  }, 40_000);

  it('a stop signal ends it with INTERRUPTED, saying nothing is kept to resume from, and leaves no file or lock', async () => {
    const host = await unsizedHost({ at: CUT_AT, how: 'go silent' });
    server = host.server;
    dir = mkdtempSync(join(tmpdir(), 'feelbot-unsized-'));
    const stop = new AbortController();
    const resolving = resolveModel(host.url, { ...options(), stallTimeoutMs: 15_000, signal: stop.signal });
    while (!readdirSync(dir).some((name) => name.endsWith('.partial'))) await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort(new Error('SIGTERM'));
    await expect(resolving).rejects.toMatchObject({ code: ErrorCodes.Interrupted, message: expect.stringContaining('cannot resume') });
    expect(readdirSync(dir)).toEqual([]);
  }, 40_000);
});
