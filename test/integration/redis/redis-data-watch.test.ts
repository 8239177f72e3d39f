import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRedisReachable } from '../../../src/adapters/redis/check-redis-reachable.js';
import { claimQueuePrefix } from '../../../src/adapters/redis/queue-prefix-claim.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { RedisDataWatch } from '../../../src/adapters/redis/redis-data-watch.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

const APPLICATION_ID = '100000000000000001';
const PREFIX = '{data-watch}';

const coded = (lines: Array<Record<string, unknown>>, code: string) => lines.filter((line) => line.code === code);

describe("each process's start-up findings reach only that process's own Redis connections", () => {
  let server: PrivateRedis | undefined;
  const connections: Redis[] = [];
  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.disconnect();
    await server?.stop();
    server = undefined;
  });

  async function ready(connection: Redis): Promise<void> {
    connections.push(connection);
    if (connection.status !== 'ready') await once(connection, 'ready');
  }

  /** As a gateway or worker starts: the start-up checks, then its long-lived logged connection. */
  async function startProcess(url: string, name: string) {
    const { logger, lines } = capturedLogger('info');
    const dataWatch = new RedisDataWatch();
    await checkRedisReachable(url, undefined, dataWatch);
    await claimQueuePrefix(url, PREFIX, APPLICATION_ID, { dataWatch });
    await ready(createRedis(url, 'producer', name, logger, { dataWatch }));
    return lines;
  }

  it('two processes started on one Redis without AOF each warn once with REDIS_NOT_PERSISTENT', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    const gateway = await startProcess(server.url, 'feelbot-gateway');
    const worker = await startProcess(server.url, 'feelbot-worker');
    await expect.poll(() => [coded(gateway, 'REDIS_NOT_PERSISTENT').length, coded(worker, 'REDIS_NOT_PERSISTENT').length]).toEqual([1, 1]);
  });

  it('after Redis restarts without its data, each of two processes logs REDIS_DATA_LOST once', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    const gateway = await startProcess(server.url, 'feelbot-gateway');
    const worker = await startProcess(server.url, 'feelbot-worker');
    await server.restart();
    await expect.poll(() => [coded(gateway, 'REDIS_DATA_LOST'), coded(worker, 'REDIS_DATA_LOST')], { timeout: 10_000 }).toEqual([
      [expect.objectContaining({ level: 'error', connection: 'feelbot-gateway', queuePrefixes: [PREFIX] })],
      [expect.objectContaining({ level: 'error', connection: 'feelbot-worker', queuePrefixes: [PREFIX] })],
    ]);
  });

  it('a logged connection of a process that made no start-up checks says nothing of persistence or data', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    await startProcess(server.url, 'feelbot-gateway');
    const { logger, lines } = capturedLogger('info');
    await ready(createRedis(server.url, 'producer', 'feelbot-api', logger));
    await server.restart();
    await expect.poll(() => lines.some((line) => line.msg === 'redis connection back'), { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((line) => line.code !== undefined && line.code !== 'REDIS_UNAVAILABLE')).toEqual([]);
  });
});
