import { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../adapters/redis/redis-connection.js';
import { BatchingClassifier } from '../../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../../classifier/instrumented-classifier.js';
import { startHttp } from '../../http/start-http.js';
import type { EmotionClassifier } from '../../ports/emotion-classifier.js';
import { createClassifier } from '../../worker/create-classifier.js';
import type { Command } from '../command.js';

export const apiCommand: Command = {
  name: 'api',
  usage: 'api',
  summary: 'serve POST /v1/emotion, /healthz and /metrics on HTTP_HOST:HTTP_PORT',
  async run({ config, logger, stopped }) {
    const metrics = new PrometheusMetrics();
    // Analysis needs no Redis: the API serves without it, says so in /healthz, and logs an outage once.
    const redis = createRedis(config.redis.url, 'producer', 'feelbot-api', logger);
    const queue = new MessageQueue(redis, config.redis.prefix);
    let classifier: EmotionClassifier | undefined;
    const app = await startHttp({ config, logger, metrics, redis, queue: queue.queue, classifier: () => classifier }).catch(async (error: unknown) => {
      await queue.close();
      redis.disconnect();
      throw error;
    });
    try {
      classifier = new BatchingClassifier(new InstrumentedClassifier(await createClassifier(config, logger), metrics));
      logger.info({ signal: await stopped }, 'stopping api');
    } finally {
      await app.close();
      await classifier?.dispose();
      await queue.close();
      redis.disconnect();
    }
  },
};
