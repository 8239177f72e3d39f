import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Lifts a connection's idle timeout while the server works on a request that has fully arrived, and
 * sets it again as the answer starts going out. The timeout is for a client that stops sending or
 * reading; one waiting for a long analysis is neither, and used to be cut off with no answer while
 * its work went on. Requests still arriving stay bounded by the request and headers timeouts.
 */
export function liftIdleTimeoutWhileAnswering(app: FastifyInstance, idleTimeoutMs: number): void {
  // Requests of one connection being worked on: pipelined ones share its socket and its timeout.
  const answering = new WeakMap<Socket, number>();
  const lifted = new WeakMap<IncomingMessage, Socket>();
  // preValidation is the first hook after the body has been read.
  app.addHook('preValidation', async (request) => {
    const socket = request.raw.socket;
    // app.inject's requests come on a stand-in with no timeout to lift.
    if (!(socket instanceof Socket)) return;
    const count = answering.get(socket) ?? 0;
    answering.set(socket, count + 1);
    lifted.set(request.raw, socket);
    if (count === 0) socket.setTimeout(0);
  });
  // onSend, not onResponse: a client that never reads a large answer must still time out.
  app.addHook('onSend', async (request) => {
    const socket = lifted.get(request.raw);
    if (!socket) return;
    lifted.delete(request.raw);
    const count = (answering.get(socket) ?? 1) - 1;
    answering.set(socket, count);
    if (count === 0 && !socket.destroyed) socket.setTimeout(idleTimeoutMs);
  });
}
