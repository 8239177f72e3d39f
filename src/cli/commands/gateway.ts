import { certainApplicationId } from '../../adapters/discord/application-id.js';
import { createDiscordRest } from '../../adapters/discord/discord-rest.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { claimQueuePrefix } from '../../adapters/redis/queue-prefix-claim.js';
import { RedisDataWatch } from '../../adapters/redis/redis-data-watch.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { requireDiscordToken, type Config } from '../../config.js';
import { discordSessionCheck } from '../../gateway/discord-session-check.js';
import { applicationIdFailure } from '../../adapters/discord/application-id-failure.js';
import { startGateway, type RunningGateway } from '../../gateway/start-gateway.js';
import { serveProcessMetrics } from '../../http/serve-process-metrics.js';
import { StartUpCheck } from '../../http/start-up-check.js';
import type { Logger } from '../../ports/logger.js';
import { unlessStopped, type Command } from '../command.js';
import { settleStoppedStartUp } from '../stopped-start-up.js';
import { untilStoppedOrClosed } from '../until-stopped-or-closed.js';

export const gatewayCommand: Command = {
  name: 'gateway',
  usage: 'gateway',
  summary: 'connect to Discord and queue the messages to answer (no models; /livez, /healthz and /metrics on METRICS_PORT)',
  async run({ config, logger, stopped, signal }) {
    // Before the login: /livez answers meanwhile, /healthz says the Discord session is loading.
    const discord = new StartUpCheck();
    const http = await serveProcessMetrics(config, logger, new PrometheusMetrics(), { checks: { discord: discord.check } });
    let gateway: RunningGateway | undefined;
    try {
      // A slow or rate-limited Discord can hold the login for minutes: a stop signal ends it, with exit code 0 as any stop.
      const starting = checkThenStartGateway(config, logger, signal);
      gateway = await unlessStopped(starting, signal, (late) => late.stop());
      if (!gateway) {
        await settleStoppedStartUp(starting, signal, logger);
        logger.info({ signal: await stopped }, 'stopped before the gateway was ready');
        return;
      }
      discord.started(discordSessionCheck(gateway.client));
      await untilStoppedOrClosed(stopped, gateway, logger, 'stopping gateway');
    } finally {
      await http.close();
      await gateway?.stop();
    }
  },
};

async function checkThenStartGateway(config: Config, logger: Logger, signal: AbortSignal): Promise<RunningGateway> {
  const dataWatch = new RedisDataWatch();
  await checkRedisReachable(config.redis.url, undefined, dataWatch); // Only at start-up; later outages are waited out.
  const token = requireDiscordToken(config);
  // Before the login: under another bot's prefix, READY would delete the settings of that bot's servers.
  // A stop ends either at once: no settings are swept and no prefix is claimed for a gateway that will not run.
  const applicationId = await certainApplicationId(createDiscordRest(config.discord.apiUrl, token), config, logger, signal).catch((error: unknown) => {
    throw signal.aborted ? signal.reason : applicationIdFailure(error, config.discord.apiUrl);
  });
  await claimQueuePrefix(config.redis.url, config.redis.prefix, applicationId, { signal, dataWatch });
  return startGateway(config, logger, signal, dataWatch);
}
