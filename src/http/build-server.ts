import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import { answerClientError } from './client-error.js';
import { closeConnectionsOnStop } from './close-connections-on-stop.js';
import { refuseEncodedBodies } from './encoded-body.js';
import { errorHandler } from './http-error.js';
import { liftIdleTimeoutWhileAnswering } from './idle-timeout-while-answering.js';
import { parseJsonBodies } from './json-body.js';
import { refuseWhileStopping } from './refuse-while-stopping.js';
import { MAX_BATCH_TEXTS, MAX_TEXT_CHARS, registerEmotionRoute } from './routes/emotion-route.js';
import { registerHealthRoute, type HealthCheck } from './routes/health-route.js';
import { registerMetricsRoute } from './routes/metrics-route.js';
import { answerUnmatchedRoutes } from './unmatched-route.js';

/**
 * Fastify's Ajv defaults coerce types ({"text": 42} became "42") and silently drop unknown
 * fields; an API should reject both. One error is enough to report and stops early on 10,000 items.
 */
const STRICT_AJV = { allErrors: false, coerceTypes: false, removeAdditional: false } as const;

/**
 * Room for the largest valid request however its client encodes it: 256 texts of 4,000
 * characters, each written as a 6-byte `\uXXXX` escape (Python's json.dumps does that for every
 * non-ASCII character), plus the JSON around them. Anything larger is refused unread.
 */
export const BODY_LIMIT_BYTES = MAX_BATCH_TEXTS * MAX_TEXT_CHARS * 6 + 64 * 1024;

/**
 * A connection silent for this long, while its request arrives or between requests, is closed, so a
 * client leaving its request half sent holds no socket and body buffer for long. It does not run
 * while the server works on a request (liftIdleTimeoutWhileAnswering): that may take a minute.
 */
export const IDLE_TIMEOUT_MS = 30_000;
/**
 * A whole request must arrive within this long: a client trickling a byte in every few seconds is
 * never idle for 30 s, and Fastify sets no such limit of its own (it also lifts Node's 300 s one).
 */
const REQUEST_TIMEOUT_MS = 60_000;
/** A request's headers must arrive within this long. */
const HEADERS_TIMEOUT_MS = 30_000;
/**
 * Once the server starts closing, answers still running after this long are cut off, each once its
 * classifier call of up to 64 texts ends: alone (`feelbot api`) or beside the gateway's 10 s drain
 * (`start`), a stop then fits compose's 20 s stop_grace_period.
 */
export const CLOSE_GRACE_MS = 10_000;

export interface ServerParts {
  readonly logger: Logger;
  readonly registry: Registry;
  /** /healthz's checks of what this process cannot serve without. */
  readonly health: Record<string, HealthCheck>;
  /** /healthz's checks of what it reports but serves without (the API's Redis). */
  readonly informationalHealth?: Record<string, HealthCheck>;
  /** When given, POST /v1/emotion is served; it returns undefined while the model loads. */
  readonly classifier?: () => EmotionClassifier | undefined;
  readonly bullmqMetrics?: () => Promise<string>;
  /** How long a connection may stay silent while its request arrives or between requests; defaults to IDLE_TIMEOUT_MS (30 s). */
  readonly idleTimeoutMs?: number;
  /** How long a whole request may take to arrive; defaults to 60 s. */
  readonly requestTimeoutMs?: number;
  /** Texts analysed at once before the API answers 503 BUSY; defaults to MAX_TEXTS_IN_FLIGHT. */
  readonly maxTextsInFlight?: number;
  /** How long answers in flight may still take once the server closes; defaults to CLOSE_GRACE_MS (10 s). */
  readonly closeGraceMs?: number;
}

export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const requestTimeoutMs = parts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const idleTimeoutMs = parts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const handleError = errorHandler(parts.logger);
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    connectionTimeout: idleTimeoutMs,
    // Between requests too: Fastify's default keeps an idle connection open for 72 s.
    keepAliveTimeout: idleTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // refuseWhileStopping answers instead, in the API's error shape.
    return503OnClosing: false,
    // Not true, which would cut off the analyses in flight too: closeConnectionsOnStop closes the others.
    forceCloseConnections: 'idle',
    http: {
      // Node checks the request time only this often (every 30 s by default), and not at all while
      // the headers' own limit is the longer one, as it is when only the request time is lowered.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, requestTimeoutMs / 4)),
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
    },
    logger: false,
    ajv: { customOptions: STRICT_AJV },
    // What Fastify answers before routing (a path with a malformed %-escape) gets the API's shape too.
    frameworkErrors: handleError,
    // And what Node's parser refuses before Fastify sees a request (a 408, a 431, malformed HTTP).
    clientErrorHandler: answerClientError,
  });
  // JSON sent as text/plain (fetch's default for a string body) is told to use application/json (415),
  // rather than failing the schema as one long string.
  app.removeContentTypeParser('text/plain');
  parseJsonBodies(app);
  app.setErrorHandler(handleError);
  // First of the onRequest hooks: it counts the requests refuseWhileStopping answers.
  closeConnectionsOnStop(app, parts.closeGraceMs ?? CLOSE_GRACE_MS);
  refuseWhileStopping(app);
  refuseEncodedBodies(app);
  liftIdleTimeoutWhileAnswering(app, idleTimeoutMs);
  answerUnmatchedRoutes(app);
  await app.register(swagger, {
    openapi: { info: { title: 'feelbot', version: '1', description: 'Emotion analysis, health and metrics.' } },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthRoute(app, { required: parts.health, informational: parts.informationalHealth });
  registerMetricsRoute(app, parts.registry, parts.bullmqMetrics);
  if (parts.classifier) registerEmotionRoute(app, parts.classifier, parts.logger, parts.maxTextsInFlight);
  return app;
}
