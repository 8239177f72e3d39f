import type { FastifyInstance } from 'fastify';

/** The deepest a valid request nests: an object holding an array of strings, with one level to spare. */
const MAX_DEPTH = 3;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A client mistake in the body, with the API's error code; the error handler answers it with `statusCode`. */
export class BodyError extends Error {
  constructor(
    readonly statusCode: number,
    readonly apiCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads `application/json` bodies itself, before JSON.parse: bytes that are not UTF-8 are refused
 * rather than read with replacement characters (as the CLI refuses such a file), another charset
 * is refused, and a body nested deeper than any valid request is refused after a quick scan, since
 * parsing megabytes of `[[[[…` would hold the event loop, and every other request, for seconds.
 * A body sent to a path no route serves is not read.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw: Buffer, done) => {
    // A request no route serves is answered 404 or 405 (answerUnmatchedRoutes), whatever its body.
    if (request.is404) {
      done(null, undefined);
      return;
    }
    try {
      const charset = /;\s*charset=("?)([^";]+)\1/i.exec(request.headers['content-type'] ?? '')?.[2];
      if (charset !== undefined && !/^utf-?8$/i.test(charset.trim())) {
        throw new BodyError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as UTF-8 JSON (the charset was "${charset}").`);
      }
      done(null, parseJson(raw));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new BodyError(400, 'BAD_REQUEST', 'The body is empty; send a JSON object.');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new BodyError(400, 'INVALID_ENCODING', 'The body is not valid UTF-8.');
  }
  if (deeperThan(text, MAX_DEPTH)) throw new BodyError(400, 'INVALID_REQUEST', `The body nests arrays or objects deeper than ${MAX_DEPTH} levels; no valid request does.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, 'INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** True when brackets outside strings nest deeper than `limit`; stops at the first level past it. */
function deeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > limit) return true;
    } else if (char === ']' || char === '}') {
      depth -= 1;
    }
  }
  return false;
}
