import type { AddressInfo } from 'node:net';
import { MessageQueue } from '../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../src/adapters/redis/redis-connection.js';
import { loadConfig } from '../../src/config.js';
import { startHttp, type HttpParts } from '../../src/http/start-http.js';
import type { Cleanups } from './cleanups.js';

/** startHttp as a process wires it, on a Redis at `redisUrl`, closed after the test; returns the server's base URL. */
export async function serveHttp(cleanups: Cleanups, redisUrl: string, extra: Partial<HttpParts>): Promise<string> {
  const config = loadConfig({ REDIS_URL: redisUrl, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const redis = createRedis(redisUrl, 'producer', 'feelbot-http-test');
  const queue = new MessageQueue(redis, config.redis.prefix);
  const app = await startHttp({ config, logger: createLogger('silent', 'test'), metrics: new PrometheusMetrics(), redis, queue: queue.queue, port: 0, ...extra });
  cleanups.push(async () => {
    await app.close();
    await queue.close();
    redis.disconnect();
  });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** GET `url`, given up after 5 s: its status and JSON body. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}
