import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import type { Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import { buildServer } from './build-server.js';
import type { CheckState } from './routes/health-route.js';

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
}

/**
 * The HTTP service: all of it for `feelbot api` and `start` on HTTP_PORT; health and metrics for a
 * separate worker or gateway on METRICS_PORT.
 */
export async function startHttp(parts: HttpParts): Promise<FastifyInstance> {
  parts.metrics.addQueueGauges(() => parts.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'));
  const app = await buildServer({
    logger: parts.logger,
    registry: parts.metrics.registry,
    classifier: parts.classifier,
    bullmqMetrics: () => parts.queue.exportPrometheusMetrics(),
    health: {
      redis: async (): Promise<CheckState> => ((await parts.redis.ping()) === 'PONG' ? 'up' : 'down'),
      classifier: async (): Promise<CheckState> => {
        if (!parts.classifier) return 'disabled';
        return parts.classifier() ? 'up' : 'loading';
      },
    },
  });
  await app.listen({ host: parts.config.http.host, port: parts.port ?? parts.config.http.port });
  parts.logger.info({ address: app.addresses() }, 'http listening');
  return app;
}
