import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake host sends a file. */
export type ModelHostBehaviour =
  /** The whole file at once. */
  | { readonly kind: 'whole' }
  /** `bytes` every `everyMs`, as a slow link does. */
  | { readonly kind: 'paced'; readonly bytes: number; readonly everyMs: number }
  /** Half of what each request asks for, in a few pieces, then the connection is cut: bytes keep coming, the file never completes. */
  | { readonly kind: 'cut-halfway' }
  /** This status and no file: 401 or 403 for a gated model or a bad token. */
  | { readonly kind: 'refuse'; readonly status: number };

export interface ModelHost {
  /** The file's URL: `<host>/<name>`. */
  readonly url: string;
  /** The host's root, for MODEL_ENDPOINT / HF_ENDPOINT. */
  readonly root: string;
  /** Every request, as `METHOD path` and its Range header when it has one (`GET /model.gguf bytes=0-5242879`). */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A model file host on 127.0.0.1 that answers Range requests as Hugging Face's CDN does (HEAD,
 * 206 with Content-Range), so ipull downloads from it in parallel chunks and resumes.
 */
export async function startModelHost(file: Buffer, behaviour: ModelHostBehaviour, name = 'model.Q8_0.gguf'): Promise<ModelHost> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push([request.method, request.url, request.headers.range].filter(Boolean).join(' '));
    if (behaviour.kind === 'refuse') {
      response.writeHead(behaviour.status, { 'content-type': 'application/json' }).end('{"error":"Access to this model is restricted."}');
      return;
    }
    if (request.method === 'HEAD') {
      response.writeHead(200, { 'content-length': file.length, 'accept-ranges': 'bytes' }).end();
      return;
    }
    const { start, end } = answerRange(request, response, file.length);
    send(response, file.subarray(start, end), behaviour);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: `${root}${name}`,
    root,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes the status and headers for the request's Range (or the whole file), and says which bytes to send. */
function answerRange(request: IncomingMessage, response: ServerResponse, size: number): { start: number; end: number } {
  const match = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  const end = match?.[2] ? Number(match[2]) + 1 : size;
  const headers = { 'content-length': end - start, 'accept-ranges': 'bytes' };
  if (match) response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end - 1}/${size}` });
  else response.writeHead(200, headers);
  return { start, end };
}

function send(response: ServerResponse, bytes: Buffer, behaviour: ModelHostBehaviour): void {
  if (behaviour.kind === 'whole') {
    response.end(bytes);
    return;
  }
  const sent = behaviour.kind === 'cut-halfway' ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes;
  const piece = behaviour.kind === 'paced' ? behaviour.bytes : Math.ceil(sent.length / 8);
  const everyMs = behaviour.kind === 'paced' ? behaviour.everyMs : 150;
  let at = 0;
  const timer = setInterval(() => {
    if (at >= sent.length) {
      clearInterval(timer);
      if (behaviour.kind === 'cut-halfway') response.destroy();
      else response.end();
      return;
    }
    response.write(sent.subarray(at, (at += piece)));
  }, everyMs);
  response.on('close', () => clearInterval(timer));
}

/**
 * Runs `run` with node-llama-cpp's Hugging Face endpoint at `url`, so no test reaches the real hub.
 * node-llama-cpp 3.x reads MODEL_ENDPOINT first, then HF_ENDPOINT, on every resolve; both are set.
 */
export async function withModelEndpoint<T>(url: string, run: () => Promise<T>): Promise<T> {
  const saved = { MODEL_ENDPOINT: process.env.MODEL_ENDPOINT, HF_ENDPOINT: process.env.HF_ENDPOINT };
  process.env.MODEL_ENDPOINT = url;
  process.env.HF_ENDPOINT = url;
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
