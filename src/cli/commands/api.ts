import { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../adapters/redis/redis-connection.js';
import { BatchingClassifier } from '../../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../../classifier/instrumented-classifier.js';
import { startHttp } from '../../http/start-http.js';
import type { EmotionClassifier } from '../../ports/emotion-classifier.js';
import { createClassifier } from '../../worker/create-classifier.js';
import { unlessStopped, type Command } from '../command.js';
import { settleStoppedStartUp } from '../stopped-start-up.js';

export const apiCommand: Command = {
  name: 'api',
  usage: 'api',
  summary: 'serve POST /v1/emotion, /livez, /healthz and /metrics on HTTP_HOST:HTTP_PORT',
  async run({ config, logger, stopped, signal }) {
    const metrics = new PrometheusMetrics();
    // Analysis needs no Redis: the API serves without it, reports it `degraded` in /healthz (still 200), and logs an outage once.
    const redis = createRedis(config.redis.url, 'producer', 'feelbot-api', logger);
    const queue = new MessageQueue(redis, config.redis.prefix);
    let classifier: EmotionClassifier | undefined;
    const app = await startHttp({ config, logger, metrics, redis, queue: queue.queue, classifier: () => classifier, servesWithoutRedis: true }).catch(async (error: unknown) => {
      await queue.close();
      redis.disconnect();
      throw error;
    });
    try {
      // With EMOTION_BACKEND=llm, loading can take minutes (LLM_MODEL's first download): a stop signal ends it.
      const loading = createClassifier(config, logger, signal);
      const loaded = await unlessStopped(loading, signal, (late) => late.dispose());
      if (!loaded) {
        await settleStoppedStartUp(loading, signal, logger);
        logger.info({ signal: await stopped }, 'stopped before the classifier was loaded');
        return;
      }
      classifier = new BatchingClassifier(new InstrumentedClassifier(loaded, metrics));
      logger.info({ signal: await stopped }, 'stopping api');
    } finally {
      await app.close();
      await classifier?.dispose();
      await queue.close();
      redis.disconnect();
    }
  },
};
