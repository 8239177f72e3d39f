import type { FastifyInstance, FastifyRequest } from 'fastify';
import { body } from './http-error.js';

/** The one content coding the API reads: none. */
const IDENTITY = 'identity';

/**
 * Refuses a request body sent with a Content-Encoding other than identity (gzip, br, deflate) with
 * 415 UNSUPPORTED_MEDIA_TYPE and `Accept-Encoding: identity` (RFC 9110 15.5.16), unread. The API
 * decodes none: a gzip body used to be refused as "not valid UTF-8", and a `br` label on a plain
 * body ignored, where the client should be told to send it uncompressed. A request no route
 * serves is left to answerUnmatchedRoutes.
 */
export function refuseEncodedBodies(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const encoding = request.headers['content-encoding'];
    // A request no route serves is told so (404, 405): its body would not be read either way.
    if (encoding === undefined || !hasBody(request) || request.is404) return;
    const codings = encoding.split(',').map((coding) => coding.trim().toLowerCase());
    if (codings.every((coding) => coding === IDENTITY || coding === '')) return;
    return reply
      .status(415)
      .header('accept-encoding', IDENTITY)
      .send(body('UNSUPPORTED_MEDIA_TYPE', `The body was sent with Content-Encoding "${encoding}"; this API reads only uncompressed bodies: send it without a Content-Encoding.`));
  });
}

/** True when the request carries a body, however short. */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
