import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { body } from './http-error.js';

/** What Node refuses before any route runs, by its error code: the status, the API's code and what to tell the client. */
const CLIENT_ERRORS: Record<string, { readonly status: number; readonly code: string; readonly message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive whole in time; send it again, all at once.' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are over the size limit.' },
};
const MALFORMED = { status: 400, code: 'BAD_REQUEST', message: 'The request is not well-formed HTTP.' } as const;

/**
 * Answers what Node's HTTP parser refuses before Fastify routes it (a request not received whole
 * in time, headers too large, malformed HTTP) in the API's one error shape, `{ error: { code,
 * message } }`, where Fastify's own answer is `{ error, message, statusCode }`; then closes the
 * connection, whose stream can no longer be read. A reset connection is answered nothing.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  const json = JSON.stringify(body(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}
