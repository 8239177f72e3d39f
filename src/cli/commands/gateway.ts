import { Status } from 'discord.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { startGateway } from '../../gateway/start-gateway.js';
import type { CheckState } from '../../http/routes/health-route.js';
import { serveProcessMetrics } from '../../http/serve-process-metrics.js';
import type { Command } from '../command.js';

export const gatewayCommand: Command = {
  name: 'gateway',
  usage: 'gateway',
  summary: 'connect to Discord and queue the messages to answer (no models; /metrics on METRICS_PORT)',
  async run({ config, logger, stopped }) {
    await checkRedisReachable(config.redis.url); // Only at start-up; later outages are waited out.
    const gateway = await startGateway(config, logger);
    // Alive but logged out of Discord is not healthy: the orchestrator should restart it.
    const discord = async (): Promise<CheckState> => (gateway.client.ws.status === Status.Ready ? 'up' : 'down');
    const http = await serveProcessMetrics(config, logger, new PrometheusMetrics(), { checks: { discord } }).catch(async (error: unknown) => {
      await gateway.stop();
      throw error;
    });
    logger.info({ signal: await stopped }, 'stopping gateway');
    await http.close();
    await gateway.stop();
  },
};
