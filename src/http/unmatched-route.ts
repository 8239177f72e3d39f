import type { FastifyInstance } from 'fastify';
import { body } from './http-error.js';

// HEAD is served wherever GET is (Fastify's exposeHeadRoutes), so a 405's Allow names it too.
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Answers a request no route matches: 405 with `Allow` when its path is served with other methods,
 * 404 otherwise. Call it before any route is added: it records each route's path and methods as
 * they are added and looks the request's path up there, because `app.hasRoute` reads its argument
 * as a route pattern and throws on a client's path such as "/:a(".
 */
export function answerUnmatchedRoutes(app: FastifyInstance): void {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsByPath.set(route.url, methods);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const served = methodsByPath.get(path);
    const allowed = HTTP_METHODS.filter((method) => served?.has(method));
    if (allowed.length > 0) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send(body('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`));
    }
    return reply.status(404).send(body('NOT_FOUND', `No route ${request.method} ${path}.`));
  });
}
