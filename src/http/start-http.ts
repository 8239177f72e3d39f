import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import type { Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { withinMs } from '../time-limit.js';
import { buildServer } from './build-server.js';
import type { CheckState, HealthCheck } from './routes/health-route.js';

export interface HttpParts {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: PrometheusMetrics;
  readonly redis: Redis;
  readonly queue: Queue;
  /** The classifier once it has loaded (undefined before); without it, no /v1/emotion is served. */
  readonly classifier?: () => EmotionClassifier | undefined;
  /** Defaults to HTTP_PORT. */
  readonly port?: number;
  /** More /healthz checks of this process (the gateway's Discord session), or its own `classifier` check. */
  readonly checks?: Record<string, HealthCheck>;
  /**
   * True when what this process serves works without Redis (the analysis API): /healthz then
   * reports Redis down as `degraded` with a 200, so nothing restarts a process that still answers.
   */
  readonly servesWithoutRedis?: boolean;
}

/** A scrape gives up on the queue's figures after this long. */
const QUEUE_READ_MS = 2_000;

/**
 * The HTTP service: all of it for `feelbot api` and `start` on HTTP_PORT; health and metrics for a
 * separate worker or gateway on METRICS_PORT.
 */
export async function startHttp(parts: HttpParts): Promise<FastifyInstance> {
  // BullMQ waits for a connection that was never made instead of failing, so a scrape while Redis
  // is unreachable must not ask it: /metrics then answers with feelbot's own metrics alone.
  const whenRedisReady = <T>(read: () => Promise<T>) => () =>
    parts.redis.status === 'ready' ? withinMs(read(), QUEUE_READ_MS) : Promise.reject(new Error('Redis is not connected'));
  parts.metrics.addQueueGauges(whenRedisReady(() => parts.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized')));
  const redisCheck = async (): Promise<CheckState> => ((await parts.redis.ping()) === 'PONG' ? 'up' : 'down');
  const app = await buildServer({
    logger: parts.logger,
    registry: parts.metrics.registry,
    classifier: parts.classifier,
    bullmqMetrics: whenRedisReady(() => parts.queue.exportPrometheusMetrics()),
    health: {
      ...(parts.servesWithoutRedis ? {} : { redis: redisCheck }),
      classifier: async (): Promise<CheckState> => {
        if (!parts.classifier) return 'disabled';
        return parts.classifier() ? 'up' : 'loading';
      },
      ...parts.checks,
    },
    informationalHealth: parts.servesWithoutRedis ? { redis: redisCheck } : undefined,
  });
  const host = parts.config.http.host;
  const port = parts.port ?? parts.config.http.port;
  await app.listen({ host, port }).catch(async (error: unknown) => {
    await app.close();
    throw cannotListen(error, host, port, parts.port === undefined ? 'HTTP_HOST / HTTP_PORT' : 'HTTP_HOST / METRICS_PORT');
  });
  parts.logger.info({ address: app.addresses() }, 'http listening');
  return app;
}

/** Why a port cannot be listened on, as the operator can fix it: another address or port. */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'another process already listens there',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'this user may not listen there (ports under 1024 need privileges)',
};

function cannotListen(error: unknown, host: string, port: number, settings: string): unknown {
  const code = (error as { code?: unknown }).code;
  const why = typeof code === 'string' ? LISTEN_FAILURES[code] : undefined;
  if (why === undefined) return error;
  return new FeelbotError(ErrorCodes.ConfigInvalid, `Cannot listen on ${host}:${port}: ${why} (${code}); set ${settings} to another.`, {
    cause: error,
    userFacing: true,
    permanent: true,
    details: { host, port, code },
  });
}
