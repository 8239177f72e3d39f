import { certainApplicationId } from '../../adapters/discord/application-id.js';
import { createDiscordRest } from '../../adapters/discord/discord-rest.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { claimQueuePrefix } from '../../adapters/redis/queue-prefix-claim.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { requireDiscordToken } from '../../config.js';
import { discordSessionCheck } from '../../gateway/discord-session-check.js';
import { applicationIdFailure } from '../../gateway/application-id-failure.js';
import { startGateway } from '../../gateway/start-gateway.js';
import { serveProcessMetrics } from '../../http/serve-process-metrics.js';
import type { Command } from '../command.js';

export const gatewayCommand: Command = {
  name: 'gateway',
  usage: 'gateway',
  summary: 'connect to Discord and queue the messages to answer (no models; /metrics on METRICS_PORT)',
  async run({ config, logger, stopped }) {
    await checkRedisReachable(config.redis.url); // Only at start-up; later outages are waited out.
    const token = requireDiscordToken(config);
    // Before the login: under another bot's prefix, READY would delete the settings of that bot's servers.
    const applicationId = await certainApplicationId(createDiscordRest(config.discord.apiUrl, token), config).catch((error: unknown) => {
      throw applicationIdFailure(error, config.discord.apiUrl);
    });
    await claimQueuePrefix(config.redis.url, config.redis.prefix, applicationId);
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
