import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../ports/logger.js';
import { BodyError } from './json-body.js';
import { describeSchemaError } from './validation-message.js';

/** Every error the API returns has this shape, so clients need one parser. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

/** Client mistakes get a 4xx with a clear JSON error; anything else is a logged 500 with no details. */
export function errorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500;
    if (error instanceof BodyError) return reply.status(error.statusCode).send(body(error.apiCode, error.message));
    if (error.validation) {
      return reply.status(400).send(body('INVALID_REQUEST', `Invalid request: ${describeSchemaError(error.validation[0], request.body)}`));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const sent = request.headers['content-type'] ?? 'none';
      return reply.status(415).send(body('UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json (the content type was "${sent}").`));
    }
    if (error.code === 'FST_ERR_BAD_URL') {
      return reply.status(400).send(body('BAD_REQUEST', 'The path is not a valid URL: each "%" must begin an escape of two hexadecimal digits, of UTF-8 bytes.'));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? 0;
      return reply.status(413).send(body('BODY_TOO_LARGE', `The request body is over the limit of ${limit.toLocaleString('en-US')} bytes; send fewer texts per request.`));
    }
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[error.code] ?? (error instanceof SyntaxError ? 'INVALID_JSON' : 'BAD_REQUEST');
      return reply.status(status).send(body(code, error.message));
    }
    logger.error({ err: error, url: request.url }, 'request failed');
    return reply.status(500).send(body('INTERNAL', 'Something went wrong on our side.'));
  };
}

export function body(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/**
 * ApiErrorBody as a response's JSON schema, for the codes that answer may carry. Every field is
 * listed: the serializer drops any field a response schema does not.
 */
export function errorBodySchema(description: string, codes: readonly [string, ...string[]]) {
  return {
    description,
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string', enum: codes }, message: { type: 'string' } },
      },
    },
  } as const;
}
