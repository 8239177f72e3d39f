import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

describe('a Redis connection tells the logs when it is lost and when it is back', () => {
  let redis: PrivateRedis | undefined;
  let connection: Redis | undefined;
  afterEach(async () => {
    connection?.disconnect();
    await redis?.stop();
  });

  it('one warning with REDIS_UNAVAILABLE when the server dies, however many retries fail, and one line when it is back', async () => {
    redis = await startPrivateRedis();
    const { logger, lines } = capturedLogger('info');
    connection = createRedis(redis.url, 'worker', 'feelbot-test', logger);
    expect(await connection.ping()).toBe('PONG');
    expect(lines).toHaveLength(0);

    await redis.crash();
    // Several reconnect attempts fail while it is down (0.2, 0.4, 0.8 s apart at first).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await redis.revive();
    expect(await connection.ping()).toBe('PONG');

    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(['redis connection lost; reconnecting', 'redis connection back']);
    expect(lines[0]).toMatchObject({ level: 'warn', code: 'REDIS_UNAVAILABLE', connection: 'feelbot-test' });
    expect(lines[1]!.downMs).toBeGreaterThanOrEqual(1_500);
  });

  it('a connection closed on purpose (a shutdown) logs nothing', async () => {
    redis = await startPrivateRedis();
    const { logger, lines } = capturedLogger('info');
    connection = createRedis(redis.url, 'worker', 'feelbot-test', logger);
    expect(await connection.ping()).toBe('PONG');
    const ended = new Promise((resolve) => connection!.once('end', resolve));
    connection.disconnect();
    await ended;
    expect(lines).toEqual([]);
  });
});
