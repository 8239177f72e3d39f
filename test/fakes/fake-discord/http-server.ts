import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeApiError } from './api-error.js';
import type { FakeContext } from './context.js';
import type { FaultInjector } from './faults.js';
import { parseMultipart } from './multipart.js';
import type { RecordedFile, RecordedRequest } from './recorder.js';
import type { Router } from './router.js';

/** Discord's JSON error code for an unparsable body. */
const INVALID_JSON = 50_109;

/** discord.js appends `/v10` to the `rest.api` base; anything else under /api is still served. */
const API_PREFIX = /^\/api(?:\/v\d+)?/;

/** Builds the node:http request listener that records, injects faults, authenticates and routes. */
export function createRequestListener(router: Router, faults: FaultInjector, context: FakeContext) {
  return (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((error: unknown) => {
      send(res, 500, { code: 0, message: `fake-discord crashed: ${String(error)}` });
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    // undici percent-encodes `@` in `/users/@me`; Discord treats both spellings alike.
    const path = decodeURIComponent(url.pathname).replace(API_PREFIX, '') || '/';
    const raw = await readBody(req);
    const parsed = parseBody(raw, req.headers['content-type'] ?? '');
    if (!parsed) {
      send(res, 400, { code: INVALID_JSON, message: 'The request body contains invalid JSON.' });
      return;
    }
    const { body, files } = parsed;
    const record: RecordedRequest = {
      at: Date.now(),
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(req),
      body,
      files,
      status: 0,
      injected: false,
    };
    context.recorder.requests.push(record);

    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, payload, headers);
    };

    const hold = faults.takeHold({ method, path });
    if (hold) await hold;
    const injected = faults.take({ method, path });
    if (injected && !injected.afterHandling) {
      record.injected = true;
      return reply(injected.status, injected.body, injected.headers);
    }
    const matched = router.match(method, path);
    if (!matched) {
      context.recorder.unhandledRequests.push(record);
      return reply(404, { code: 0, message: '404: Not Found' });
    }
    if (matched.route.auth === 'bot' && req.headers.authorization !== `Bot ${context.token}`) {
      return reply(401, { code: 0, message: '401: Unauthorized' });
    }
    try {
      const result = matched.route.handler(
        { params: matched.params, query: url.searchParams, body: asObject(body), rawBody: body, files },
        context,
      );
      if (injected) {
        record.injected = true;
        return reply(injected.status, injected.body, injected.headers);
      }
      reply(result.status ?? (result.body === undefined ? 204 : 200), result.body);
    } catch (error) {
      if (!(error instanceof FakeApiError)) throw error;
      reply(error.status, error.toBody());
    }
  }
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (payload === undefined || status === 204) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Null when the JSON (or multipart `payload_json`) does not parse. */
function parseBody(raw: Buffer, contentType: string): { body: unknown; files: RecordedFile[] } | null {
  try {
    if (raw.length === 0) return { body: null, files: [] };
    if (contentType.startsWith('multipart/form-data')) {
      const { fields, files } = parseMultipart(raw, contentType);
      const body = fields.payload_json ? (JSON.parse(fields.payload_json) as unknown) : fields;
      return { body, files };
    }
    if (contentType.startsWith('application/json')) return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
    return { body: raw.toString('utf8'), files: [] };
  } catch {
    return null;
  }
}

function redactHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (headers.authorization) headers.authorization = headers.authorization.split(' ')[0] ?? '';
  return headers;
}

function asObject(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
