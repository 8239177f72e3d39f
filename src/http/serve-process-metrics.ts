import type { FastifyInstance } from 'fastify';
import { MessageQueue } from '../adapters/bullmq/message-queue.js';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../adapters/redis/redis-connection.js';
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';
import { startHttp, type HttpParts } from './start-http.js';

export interface ProcessMetricsServer {
  close(): Promise<void>;
}

/**
 * /livez, /healthz and /metrics of a separate worker or gateway on METRICS_PORT; nothing when it is 0. It
 * never serves analyses: the port is open to the scraper, and a worker's classifier is its jobs'.
 */
export async function serveProcessMetrics(
  config: Config,
  logger: Logger,
  metrics: PrometheusMetrics,
  extra: Pick<HttpParts, 'checks'> = {},
): Promise<ProcessMetricsServer> {
  if (config.metricsPort === 0) return { close: async () => undefined };
  const redis = createRedis(config.redis.url, 'producer', 'feelbot-metrics');
  const queue = new MessageQueue(redis, config.redis.prefix);
  let app: FastifyInstance;
  try {
    app = await startHttp({ config, logger, metrics, redis, queue: queue.queue, port: config.metricsPort, ...extra });
  } catch (error) {
    await queue.close();
    redis.disconnect();
    throw error;
  }
  return {
    async close() {
      await app.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
