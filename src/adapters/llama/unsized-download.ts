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
 * Downloads `url` to `filePath` in one plain request, for a host that states no size (no
 * Content-Length): ipull can neither split nor resume such a file, and it appends each retry of it to
 * its partial file without end. Nothing is retried or kept: a cut or a stop deletes what arrived.
 */
export async function downloadUnsized(url: string, filePath: string, options: UnsizedDownloadOptions): Promise<void> {
  const partialPath = filePath + STREAM_PARTIAL_SUFFIX;
  try {
    const response = await fetch(url, { signal: options.signal, headers: { 'accept-encoding': 'identity' } });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(url, response);
    }
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        options.onBytes(received);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), counter, createWriteStream(partialPath), { signal: options.signal });
    // A GET may state the size its HEAD did not; fetch decodes a compressed body, whose stated size is the compressed one.
    const stated = Number(response.headers.get('content-length'));
    if (stated > 0 && !response.headers.has('content-encoding') && received !== stated) {
      throw new Error(`the host sent ${received.toLocaleString('en-US')} of the ${stated.toLocaleString('en-US')} bytes it stated`);
    }
    await options.verify(partialPath);
    await rename(partialPath, filePath);
  } catch (error) {
    await rm(partialPath, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** An HTTP refusal with its status as a field, as ipull's StatusCodeError carries it, so the advice fits it. */
function statusError(url: string, response: Response): Error {
  return Object.assign(new Error(`${url} answered ${response.status} ${response.statusText}`), { statusCode: response.status });
}
