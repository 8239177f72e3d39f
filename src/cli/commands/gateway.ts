import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { discordSessionCheck } from '../../gateway/discord-session-check.js';
import { startGateway } from '../../gateway/start-gateway.js';
import { serveProcessMetrics } from '../../http/serve-process-metrics.js';
import type { Command } from '../command.js';

export const gatewayCommand: Command = {
  name: 'gateway',
  usage: 'gateway',
  summary: 'connect to Discord and queue the messages to answer (no models; /metrics on METRICS_PORT)',
  async run({ config, logger, stopped }) {
    await checkRedisReachable(config.redis.url); // Only at start-up; later outages are waited out.
    const gateway = await startGateway(config, logger);
    const http = await serveProcessMetrics(config, logger, new PrometheusMetrics(), { checks: { discord: discordSessionCheck(gateway.client) } }).catch(async (error: unknown) => {
      await gateway.stop();
      throw error;
    });
    logger.info({ signal: await stopped }, 'stopping gateway');
    await http.close();
    await gateway.stop();
  },
};
