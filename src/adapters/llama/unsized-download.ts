import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

/** Where the stream is written until it is whole and checked; not ipull's `.ipull`, which a later sized download would resume from. */
const STREAM_PARTIAL_SUFFIX = '.partial';

export interface UnsizedDownloadOptions {
  /** Ends the download; its partial file is deleted first. */
  readonly signal: AbortSignal;
  /** Called with the bytes received so far, after each chunk. */
  readonly onBytes: (bytes: number) => void;
  /** Rejects when the file received is not the whole model; it is then deleted instead of named `filePath`. */
  readonly verify: (partialPath: string) => Promise<void>;
}

/**
 * Downloads `urls` to `filePath` in one plain request each, for a host that states no size (no
 * Content-Length): ipull can neither split nor resume such a file, and it appends each retry of it to
 * its partial file without end. A binary-split model's parts are joined in their order, as ipull joins
 * them, and only the joined file is verified. Nothing is retried or kept: a cut or a stop deletes what arrived.
 */
export async function downloadUnsized(urls: readonly string[], filePath: string, options: UnsizedDownloadOptions): Promise<void> {
  const partialPath = filePath + STREAM_PARTIAL_SUFFIX;
  try {
    let received = 0;
    for (const [index, url] of urls.entries()) {
      received += await appendBody(url, partialPath, { ...options, first: index === 0, before: received });
    }
    await options.verify(partialPath);
    await rename(partialPath, filePath);
  } catch (error) {
    await rm(partialPath, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Writes `url`'s body at the end of `partialPath` (over it for the `first`), telling its bytes on top of the `before` ones; resolves with how many it wrote. */
async function appendBody(
  url: string,
  partialPath: string,
  options: UnsizedDownloadOptions & { readonly first: boolean; readonly before: number },
): Promise<number> {
  const response = await fetch(url, { signal: options.signal, headers: { 'accept-encoding': 'identity' } });
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw statusError(url, response);
  }
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      options.onBytes(options.before + received);
      done(null, chunk);
    },
  });
  const file = createWriteStream(partialPath, { flags: options.first ? 'w' : 'a' });
  await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), counter, file, { signal: options.signal });
  // A GET may state the size its HEAD did not; fetch decodes a compressed body, whose stated size is the compressed one.
  const stated = Number(response.headers.get('content-length'));
  if (stated > 0 && !response.headers.has('content-encoding') && received !== stated) {
    throw new Error(`${url} sent ${received.toLocaleString('en-US')} of the ${stated.toLocaleString('en-US')} bytes it stated`);
  }
  return received;
}

/** An HTTP refusal with its status as a field, as ipull's StatusCodeError carries it, so the advice fits it. */
function statusError(url: string, response: Response): Error {
  return Object.assign(new Error(`${url} answered ${response.status} ${response.statusText}`), { statusCode: response.status });
}
