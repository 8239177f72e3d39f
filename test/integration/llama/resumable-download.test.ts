import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { ggufPayload } from '../../support/gguf-payload.js';
import { GENERATED_DIR } from './fixtures.js';

// ipull saves progress in whole 5 MB chunks, so the stall must come after at least one of them.
const MODEL_BYTES = 24 * 1024 * 1024;
const STALL_AFTER_BYTES = MODEL_BYTES / 2;
const STALL_TIMEOUT_MS = 1_500;

const model = ggufPayload(MODEL_BYTES);

interface StallingHost {
  readonly server: Server;
  readonly url: string;
  /** Until called, no byte past the first half is sent: connections go silent there without closing. */
  recover(): void;
}

/** A file host whose connection goes silent halfway through the file, as a dropped network does. */
function stallingHost(ranges: Array<string | undefined>): Promise<StallingHost> {
  let stalling = true;
  const server = createServer((request: IncomingMessage, response) => {
    if (request.method === 'HEAD') {
      response.writeHead(200, { 'content-length': model.length, 'accept-ranges': 'bytes' }).end();
      return;
    }
    ranges.push(request.headers.range);
    const match = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const end = match?.[2] ? Number(match[2]) + 1 : model.length;
    const headers = { 'content-length': end - start, 'accept-ranges': 'bytes' };
    if (match) response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end - 1}/${model.length}` });
    else response.writeHead(200, headers);
    if (!stalling) {
      response.end(model.subarray(start, end));
      return;
    }
    if (start < STALL_AFTER_BYTES) response.write(model.subarray(start, Math.min(end, STALL_AFTER_BYTES)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/resumable.Q8_0.gguf`, recover: () => (stalling = false) });
    }),
  );
}

/**
 * How many distinct bytes of the file `Range: bytes=a-b` headers asked for, counting a byte asked for
 * twice (a chunk retried on a busy machine) once; ipull's unranged size probe asks for none.
 */
function distinctRangedBytes(ranges: ReadonlyArray<string | undefined>): number {
  const spans = ranges
    .map((range) => /bytes=(\d+)-(\d+)/.exec(range ?? ''))
    .filter((match) => match !== null)
    .map((match) => [Number(match[1]), Number(match[2]) + 1] as const)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reached = 0;
  for (const [start, end] of spans) {
    if (end > reached) covered += end - Math.max(start, reached);
    reached = Math.max(reached, end);
  }
  return covered;
}

describe('a model download that stalls', () => {
  const dir = `${GENERATED_DIR}downloads-${process.pid}/`;
  let server: Server | undefined;

  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its partial file, and the next start resumes from it with a Range request', async () => {
    const ranges: Array<string | undefined> = [];
    const host = await stallingHost(ranges);
    server = host.server;
    const options = { modelsDir: dir, showProgress: false, stallTimeoutMs: STALL_TIMEOUT_MS };

    await expect(resolveModel(host.url, options)).rejects.toMatchObject({ code: ErrorCodes.ModelDownloadFailed });
    expect(readdirSync(dir).some((name) => name.endsWith('.ipull'))).toBe(true);

    // The next start is a new process: the stalled connections of this one are gone (here they would
    // otherwise still hold the HTTP client's connections to the host, and the resumed download waits behind them).
    host.server.closeAllConnections();
    host.recover();
    const requestsBefore = ranges.length;
    // This start is not about stalls: a generous wait keeps a busy machine from failing it.
    const path = await resolveModel(host.url, { ...options, stallTimeoutMs: 15_000 });
    expect(readFileSync(path).equals(model)).toBe(true);
    // A fresh download would ask for every byte again; a resumed one skips the chunks it kept.
    const rangedBytes = distinctRangedBytes(ranges.slice(requestsBefore));
    expect(rangedBytes).toBeGreaterThan(0);
    expect(rangedBytes).toBeLessThan(model.length);
  }, 30_000);
});
