import { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { createRedis } from '../../adapters/redis/redis-connection.js';
import { requireDiscordToken } from '../../config.js';
import { checkDiscordToken } from '../../gateway/check-discord-token.js';
import { discordSessionCheck } from '../../gateway/discord-session-check.js';
import { startGateway, type RunningGateway } from '../../gateway/start-gateway.js';
import { startHttp } from '../../http/start-http.js';
import { startWorker } from '../../worker/start-worker.js';
import type { Command } from '../command.js';

export const startCommand: Command = {
  name: 'start',
  usage: 'start',
  summary: 'gateway, worker and HTTP API in one process, for small servers',
  async run({ config, logger, stopped }) {
    // Before any model loads: a missing or wrong token, or a missing Redis, must fail in seconds.
    const token = requireDiscordToken(config);
    await checkRedisReachable(config.redis.url);
    await checkDiscordToken(config.discord.apiUrl, token);
    const metrics = new PrometheusMetrics();
    const worker = await startWorker(config, logger, metrics);
    const redis = createRedis(config.redis.url, 'producer', 'feelbot-http');
    const queue = new MessageQueue(redis, config.redis.prefix);
    let gateway: RunningGateway | undefined;
    try {
      gateway = await startGateway(config, logger);
      const http = await startHttp({
        config,
        logger,
        metrics,
        redis,
        queue: queue.queue,
        classifier: () => worker.classifier,
        checks: { discord: discordSessionCheck(gateway.client) },
      });
      logger.info({ signal: await stopped }, 'stopping');
      await http.close();
    } finally {
      // Also when the HTTP API fails to start: a gateway left running would keep queueing.
      await gateway?.stop();
      await worker.stop();
      await queue.close();
      redis.disconnect();
    }
  },
};
