import type { FastifyInstance } from 'fastify';
import { body } from './http-error.js';

/**
 * Once the server is closing, a request that still arrives (the next one on a kept-alive
 * connection, while running analyses drain) is answered 503 SHUTTING_DOWN in the API's error shape,
 * with `Connection: close` so the client retries elsewhere. Needs `return503OnClosing: false`,
 * which otherwise answers first with Fastify's own body.
 */
export function refuseWhileStopping(app: FastifyInstance): void {
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!stopping) return;
    return reply.status(503).header('connection', 'close').send(body('SHUTTING_DOWN', 'The server is stopping; send the request again, to another instance or once it is back.'));
  });
}
