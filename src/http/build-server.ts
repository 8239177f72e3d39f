import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import { body, errorHandler } from './http-error.js';
import { MAX_BATCH_TEXTS, MAX_TEXT_CHARS, registerEmotionRoute } from './routes/emotion-route.js';
import { registerHealthRoute, type HealthCheck } from './routes/health-route.js';
import { registerMetricsRoute } from './routes/metrics-route.js';

/**
 * Fastify's Ajv defaults coerce types ({"text": 42} became "42") and silently drop unknown
 * fields; an API should reject both. One error is enough to report and stops early on 10,000 items.
 */
const STRICT_AJV = { allErrors: false, coerceTypes: false, removeAdditional: false } as const;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Room for the largest valid request however its client encodes it: 256 texts of 4,000
 * characters, each written as a 6-byte `\uXXXX` escape (Python's json.dumps does that for every
 * non-ASCII character), plus the JSON around them. Anything larger is refused unread.
 */
export const BODY_LIMIT_BYTES = MAX_BATCH_TEXTS * MAX_TEXT_CHARS * 6 + 64 * 1024;

/**
 * A connection that sends nothing for this long is closed, so a client trickling its request in (or
 * leaving it half sent) holds no socket and body buffer for long. A 256-text analysis takes seconds.
 */
const IDLE_TIMEOUT_MS = 30_000;

export interface ServerParts {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly health: Record<string, HealthCheck>;
  /** When given, POST /v1/emotion is served; it returns undefined while the model loads. */
  readonly classifier?: () => EmotionClassifier | undefined;
  readonly bullmqMetrics?: () => Promise<string>;
  /** How long a connection may stay silent; defaults to 30 s. */
  readonly idleTimeoutMs?: number;
  /** Texts analysed at once before the API answers 503 BUSY; defaults to MAX_TEXTS_IN_FLIGHT. */
  readonly maxTextsInFlight?: number;
}

export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    connectionTimeout: parts.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    logger: false,
    ajv: { customOptions: STRICT_AJV },
  });
  // JSON sent as text/plain (fetch's default for a string body) is told to use application/json (415),
  // rather than failing the schema as one long string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler(parts.logger));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = HTTP_METHODS.filter((method) => app.hasRoute({ method, url: path }));
    if (allowed.length > 0) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send(body('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`));
    }
    return reply.status(404).send(body('NOT_FOUND', `No route ${request.method} ${path}.`));
  });
  await app.register(swagger, {
    openapi: { info: { title: 'feelbot', version: '1', description: 'Emotion analysis, health and metrics.' } },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthRoute(app, parts.health);
  registerMetricsRoute(app, parts.registry, parts.bullmqMetrics);
  if (parts.classifier) registerEmotionRoute(app, parts.classifier, parts.maxTextsInFlight);
  return app;
}
