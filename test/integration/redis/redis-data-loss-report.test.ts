import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRedisReachable } from '../../../src/adapters/redis/check-redis-reachable.js';
import { claimQueuePrefix } from '../../../src/adapters/redis/queue-prefix-claim.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { RedisDataWatch } from '../../../src/adapters/redis/redis-data-watch.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

const APPLICATION_ID = '100000000000000001';
const PREFIX = '{data-loss}';

const coded = (lines: Array<Record<string, unknown>>, code: string) => lines.filter((line) => line.code === code);

let server: PrivateRedis | undefined;
const connections: Redis[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.disconnect();
  await server?.stop();
  server = undefined;
});

async function ready(connection: Redis): Promise<void> {
  connections.push(connection);
  // A producer sends nothing before it is ready (no offline queue).
  if (connection.status !== 'ready') await once(connection, 'ready');
}

/** As a gateway or worker starts: the start-up checks, then its long-lived connection(s). */
async function startProcess(url: string, connectionNames: string[]) {
  const { logger, lines } = capturedLogger('info');
  const dataWatch = new RedisDataWatch();
  await checkRedisReachable(url, undefined, dataWatch);
  await claimQueuePrefix(url, PREFIX, APPLICATION_ID, { dataWatch });
  for (const name of connectionNames) await ready(createRedis(url, 'producer', name, logger, { dataWatch }));
  return lines;
}

describe("a process's Redis connections tell the operator when Redis does not keep, or has lost, feelbot's data", () => {

  it('on a Redis without AOF, warns once per process at start-up with REDIS_NOT_PERSISTENT, however many connections it opens', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    const lines = await startProcess(server.url, ['feelbot-gateway', 'feelbot-worker']);
    await expect.poll(() => coded(lines, 'REDIS_NOT_PERSISTENT')).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/without AOF.*restart.*lose the messages queued.*appendonly yes/) }),
    ]);
  });

  it('says nothing of it on a Redis with AOF, nor on one that refuses CONFIG (a managed Redis), whose start-up passes', async () => {
    server = await startPrivateRedis({ appendOnly: true });
    const withAof = await startProcess(server.url, ['feelbot-gateway']);
    const admin = new Redis(server.url);
    connections.push(admin);
    await admin.call('CONFIG', 'SET', 'appendonly', 'no');
    await admin.call('ACL', 'SETUSER', 'managed', 'on', '>secret', '~*', '&*', '+@all', '-config');
    const withoutConfig = await startProcess(server.url.replace('redis://', 'redis://managed:secret@'), ['feelbot-gateway']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...withAof, ...withoutConfig].filter((line) => line.code !== undefined)).toEqual([]);
  });

  it('after Redis restarts without its data, logs REDIS_DATA_LOST at error once, saying queued messages are lost, and again at a second such restart', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    const lines = await startProcess(server.url, ['feelbot-gateway', 'feelbot-worker']);
    await server.restart();
    await expect.poll(() => coded(lines, 'REDIS_DATA_LOST'), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'error', queuePrefixes: [PREFIX], msg: expect.stringMatching(/came back without its data.*queued before are lost.*appendonly yes/) }),
    ]);
    // Both connections came back: told once by the process, not once per connection.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(coded(lines, 'REDIS_DATA_LOST')).toHaveLength(1);
    // The sentinel is written again: the next loss is seen too.
    await server.restart();
    await expect.poll(() => coded(lines, 'REDIS_DATA_LOST'), { timeout: 10_000 }).toHaveLength(2);
  });

  it('after Redis restarts with its data (AOF), says only that the connection is back', async () => {
    server = await startPrivateRedis({ appendOnly: true });
    const lines = await startProcess(server.url, ['feelbot-gateway']);
    await server.restart();
    await expect.poll(() => lines.some((line) => line.msg === 'redis connection back'), { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((line) => line.level !== 'info' && line.code !== 'REDIS_UNAVAILABLE')).toEqual([]);
  });
});

describe("each process's start-up findings reach only that process's own Redis connections", () => {
  it('two processes started on one Redis without AOF each warn once with REDIS_NOT_PERSISTENT', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    const gateway = await startProcess(server.url, ['feelbot-gateway']);
    const worker = await startProcess(server.url, ['feelbot-worker']);
    await expect.poll(() => [coded(gateway, 'REDIS_NOT_PERSISTENT').length, coded(worker, 'REDIS_NOT_PERSISTENT').length]).toEqual([1, 1]);
  });

  it('after Redis restarts without its data, each of two processes logs REDIS_DATA_LOST once', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    const gateway = await startProcess(server.url, ['feelbot-gateway']);
    const worker = await startProcess(server.url, ['feelbot-worker']);
    await server.restart();
    await expect.poll(() => [coded(gateway, 'REDIS_DATA_LOST'), coded(worker, 'REDIS_DATA_LOST')], { timeout: 10_000 }).toEqual([
      [expect.objectContaining({ level: 'error', connection: 'feelbot-gateway', queuePrefixes: [PREFIX] })],
      [expect.objectContaining({ level: 'error', connection: 'feelbot-worker', queuePrefixes: [PREFIX] })],
    ]);
  });

  it('a logged connection of a process that made no start-up checks says nothing of persistence or data', async () => {
    server = await startPrivateRedis({ appendOnly: false });
    await startProcess(server.url, ['feelbot-gateway']);
    const { logger, lines } = capturedLogger('info');
    await ready(createRedis(server.url, 'producer', 'feelbot-api', logger));
    await server.restart();
    await expect.poll(() => lines.some((line) => line.msg === 'redis connection back'), { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((line) => line.code !== undefined && line.code !== 'REDIS_UNAVAILABLE')).toEqual([]);
  });
});
