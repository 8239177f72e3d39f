import { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** A connection's requests from their arrival until their answer has gone out, and how many of them reached their handler. */
interface InHand {
  arrived: number;
  answering: number;
}

/**
 * Lets a closing server end in seconds, however its clients behave, and still finish the analyses it
 * has begun. Node closes only the connections idle as the close starts, so a kept-alive one whose
 * answer went out after that, or one still sending its request, used to hold the close (and the
 * process) until its own timeout, 30 s or more. Once closing: an answer carries `Connection: close`
 * (unless a request pipelined after it waits for its own) and its connection is closed after it; a
 * connection with no request at its handler is closed at once, as no work of its has begun; and
 * answers still running `graceMs` later are cut off (the close still waits for the classifier call
 * each is in: registerEmotionRoute). Register it before any other onRequest hook,
 * so a request answered there (a 503 while stopping) is counted too.
 */
export function closeConnectionsOnStop(app: FastifyInstance, graceMs: number): void {
  let stopping = false;
  const connections = new Map<Socket, InHand>();
  const reached = new WeakSet<object>();
  app.server.on('connection', (socket: Socket) => {
    connections.set(socket, { arrived: 0, answering: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  // app.inject's requests come on a stand-in, which is no connection of the server's.
  const inHandOf = (socket: unknown) => (socket instanceof Socket ? connections.get(socket) : undefined);
  const closeIfDone = (socket: Socket) => {
    if ((connections.get(socket)?.arrived ?? 0) === 0) closeSoon(socket);
  };

  app.addHook('onRequest', async (request) => {
    const inHand = inHandOf(request.raw.socket);
    if (inHand) inHand.arrived += 1;
  });
  // preValidation is the first hook after the body has been read: the request is the handler's from here.
  app.addHook('preValidation', async (request) => {
    const inHand = inHandOf(request.raw.socket);
    if (!inHand) return;
    inHand.answering += 1;
    reached.add(request.raw);
  });
  app.addHook('onSend', async (request, reply) => {
    if (stopping && (inHandOf(request.raw.socket)?.arrived ?? 0) <= 1) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request) => {
    const socket = request.raw.socket;
    const inHand = inHandOf(socket);
    if (!inHand) return;
    inHand.arrived = Math.max(0, inHand.arrived - 1);
    if (reached.has(request.raw)) inHand.answering = Math.max(0, inHand.answering - 1);
    // An answer whose headers went out before the close began said keep-alive: nothing else would close its connection.
    if (stopping) closeIfDone(socket);
  });
  app.addHook('preClose', async () => {
    stopping = true;
    for (const [socket, inHand] of connections) if (inHand.answering === 0) closeSoon(socket);
    const cutOff = setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
    app.server.once('close', () => clearTimeout(cutOff));
  });
}

/** Ends a connection once what was written to it has gone out (destroyed then: its client may still be sending). */
function closeSoon(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end(() => socket.destroy());
}
