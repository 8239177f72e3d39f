import type { FastifyInstance } from 'fastify';
import { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { createRedis } from '../../adapters/redis/redis-connection.js';
import { RedisDataWatch } from '../../adapters/redis/redis-data-watch.js';
import { requireDiscordToken, type Config } from '../../config.js';
import { checkDiscordToken } from '../../gateway/check-discord-token.js';
import { discordSessionCheck } from '../../gateway/discord-session-check.js';
import { startGateway, type RunningGateway } from '../../gateway/start-gateway.js';
import { StartUpCheck } from '../../http/start-up-check.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import { startWorker, type RunningWorker } from '../../worker/start-worker.js';
import { unlessStopped, type Command } from '../command.js';
import { startApiBesideWorker } from '../start-api-beside-worker.js';
import { settleStoppedStartUp } from '../stopped-start-up.js';
import { untilStoppedOrClosed } from '../until-stopped-or-closed.js';

export const startCommand: Command = {
  name: 'start',
  usage: 'start',
  summary: 'gateway, worker and HTTP API in one process, for small servers',
  async run({ config, logger, stopped, signal }) {
    const token = requireDiscordToken(config);
    const metrics = new PrometheusMetrics();
    const redis = createRedis(config.redis.url, 'producer', 'feelbot-http');
    const queue = new MessageQueue(redis, config.redis.prefix);
    // One for the process: its worker's and gateway's connections warn of AOF off, and tell of data lost, once between them.
    const dataWatch = new RedisDataWatch();
    let worker: RunningWorker | undefined;
    let gateway: RunningGateway | undefined;
    let http: FastifyInstance | undefined;
    try {
      // Before start-up, which can take minutes: the probes answer meanwhile, and /v1/emotion is 503 NOT_READY until the worker's classifier is ready.
      const discord = new StartUpCheck();
      http = await startApiBesideWorker({ config, logger, metrics, redis, queue: queue.queue, worker: () => worker, checks: { discord: discord.check } });
      // The model's first download can take minutes: a stop signal ends it, with exit code 0 as any stop.
      const starting = checkThenStartWorker(config, token, logger, metrics, dataWatch, signal);
      let stoppingLate: Promise<void> | undefined;
      worker = await unlessStopped(starting, signal, (late) => (stoppingLate = late.stop()));
      if (!worker) {
        await settleStoppedStartUp(starting, signal, logger);
        // A worker that started after all first puts back any job it took: the exit would cut it off.
        await stoppingLate;
        logger.info({ signal: await stopped }, 'stopped before start-up finished');
        return;
      }
      // Discord can hold the login for minutes too (an outage, a long 429).
      const startingGateway = startGateway(config, logger, signal, dataWatch);
      gateway = await unlessStopped(startingGateway, signal, (late) => late.stop());
      if (!gateway) {
        await settleStoppedStartUp(startingGateway, signal, logger);
        logger.info({ signal: await stopped }, 'stopped before start-up finished');
        return;
      }
      discord.started(discordSessionCheck(gateway.client));
      // A shard closed for good stops all of it, the worker and the API too.
      await untilStoppedOrClosed(stopped, gateway, logger, 'stopping');
    } finally {
      // Also when start-up fails: a listener, a gateway or a worker left open would keep the process up, or keep queueing.
      // The API stops taking requests and finishes its answers in flight (for at most CLOSE_GRACE_MS) while the
      // gateway drains, so its clients never hold up what the gateway holds; the worker, whose model those answers use, stops after both.
      await Promise.all([http?.close(), gateway?.stop()]);
      await worker?.stop();
      await queue.close();
      redis.disconnect();
    }
  },
};

async function checkThenStartWorker(
  config: Config,
  token: string,
  logger: Logger,
  metrics: Metrics,
  dataWatch: RedisDataWatch,
  signal: AbortSignal,
): Promise<RunningWorker> {
  // Before any model loads: a missing or wrong token, or a missing Redis, must fail in seconds.
  await checkRedisReachable(config.redis.url, undefined, dataWatch);
  await checkDiscordToken(config.discord.apiUrl, token);
  return startWorker(config, logger, metrics, signal, dataWatch);
}
