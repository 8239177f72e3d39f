import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { terminalQueueName } from '../../../src/adapters/bullmq/queue-names.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { terminalStreamKey } from '../../../src/adapters/redis/terminal-replier.js';
import { removeAbandonedSessions } from '../../../src/chat/abandoned-sessions.js';
import { heartbeatKey, SessionHeartbeat } from '../../../src/chat/session-heartbeat.js';
import { localSnowflake } from '../../../src/domain/snowflake.js';
import { closedPort } from '../../support/closed-port.js';
import { startMovableRedisEndpoint } from '../../support/movable-redis-endpoint.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** The longest a connection createRedis makes waits between tries to reconnect. */
const MAX_RECONNECT_DELAY_MS = 5_000;

describe('removing the leftovers of killed `feelbot chat` sessions (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();

  /** What a session leaves: a queue holding the line typed, and a reply stream. */
  async function leaveSession(prefix: string, sessionId: string): Promise<void> {
    const queue = new Queue(terminalQueueName(sessionId), { connection: redis.connection, prefix });
    await queue.add('reply', { content: `secret of ${sessionId}` });
    await queue.close();
    await redis.connection.xadd(terminalStreamKey(prefix, sessionId), '*', 'content', `reply to ${sessionId}`);
  }
  const keysOf = async (prefix: string, sessionId: string) => (await redis.connection.keys(`${prefix}:*${sessionId}*`)).sort();

  it("removes a session's queue and replies once its heartbeat is gone, and leaves a live session's and its own", async () => {
    const prefix = `{abandoned-${randomUUID().slice(0, 8)}}`;
    const [dead, live, own] = [localSnowflake(), localSnowflake(), localSnowflake()];
    for (const id of [dead, live, own]) await leaveSession(prefix, id);
    const heartbeat = new SessionHeartbeat(redis.connection, prefix, live);
    await heartbeat.start();
    const liveKeys = await keysOf(prefix, live);
    const ownKeys = await keysOf(prefix, own);

    expect(await removeAbandonedSessions(redis.connection, prefix, own)).toEqual([dead]);

    expect(await keysOf(prefix, dead)).toEqual([]);
    expect(await keysOf(prefix, live)).toEqual(liveKeys);
    expect(await keysOf(prefix, own)).toEqual(ownKeys);
    await heartbeat.stop();
  });

  it('finds a session with only a reply stream left, and one under a prefix with glob characters', async () => {
    const prefix = `{abandoned*[${randomUUID().slice(0, 8)}]?}`;
    const other = `{abandoned-${randomUUID().slice(0, 8)}}`;
    const [streamOnly, elsewhere] = [localSnowflake(), localSnowflake()];
    await redis.connection.xadd(terminalStreamKey(prefix, streamOnly), '*', 'content', 'reply');
    await leaveSession(other, elsewhere);

    expect(await removeAbandonedSessions(redis.connection, prefix, localSnowflake())).toEqual([streamOnly]);
    expect(await redis.connection.exists(terminalStreamKey(prefix, streamOnly))).toBe(0);
    // Another prefix's sessions are not this sweep's to remove.
    expect((await keysOf(other, elsewhere)).length).toBeGreaterThan(0);
  });

  it('a heartbeat lapses within its TTL once no one refreshes it, and lives on while its session does', async () => {
    const prefix = `{abandoned-${randomUUID().slice(0, 8)}}`;
    const [kept, dropped] = [localSnowflake(), localSnowflake()];
    const refreshed = new SessionHeartbeat(redis.connection, prefix, kept, { ttlMs: 400, everyMs: 100 });
    await refreshed.start();
    await redis.connection.set(heartbeatKey(prefix, dropped), '1', 'PX', 400);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await redis.connection.exists(heartbeatKey(prefix, kept))).toBe(1);
    expect(await redis.connection.exists(heartbeatKey(prefix, dropped))).toBe(0);
    await refreshed.stop();
    expect(await redis.connection.exists(heartbeatKey(prefix, kept))).toBe(0);
  });

  it("a live session cut off from Redis past its heartbeat's TTL keeps its queue and replies when a session starts as Redis answers it again", async () => {
    const prefix = `{abandoned-${randomUUID().slice(0, 8)}}`;
    const [dead, live, own] = [localSnowflake(), localSnowflake(), localSnowflake()];
    for (const id of [dead, live]) await leaveSession(prefix, id);
    // The live session's connection as `feelbot chat` makes it (reconnecting for ever), through an address the test can cut.
    const endpoint = await startMovableRedisEndpoint(redis.server.port);
    const liveConnection = createRedis(endpoint.url, 'worker', 'feelbot-chat');
    const heartbeat = new SessionHeartbeat(liveConnection, prefix, live, { ttlMs: 1_000, everyMs: 200 });
    try {
      await heartbeat.start();
      const liveKeys = await keysOf(prefix, live);

      // Redis out of the live session's reach: new connections are refused, the open one is dropped.
      const longestRetry = new Promise<void>((resolve) => liveConnection.on('reconnecting', (delayMs: number) => delayMs >= MAX_RECONNECT_DELAY_MS && resolve()));
      endpoint.moveTo(await closedPort());
      await redis.connection.client('KILL', 'ID', String(await liveConnection.client('ID')));
      await expect.poll(() => redis.connection.exists(heartbeatKey(prefix, live)), { timeout: 5_000, interval: 50 }).toBe(0);
      // Out of reach long enough that its connection waits the longest between tries: it comes back the latest it can.
      await longestRetry;

      // A session starts as Redis comes back within the live session's reach.
      const removing = removeAbandonedSessions(redis.connection, prefix, own);
      endpoint.moveTo(redis.server.port);

      expect(await removing).toEqual([dead]);
      expect(await keysOf(prefix, dead)).toEqual([]);
      expect(await keysOf(prefix, live)).toEqual(liveKeys);
    } finally {
      await heartbeat.stop();
      liveConnection.disconnect();
      await endpoint.close();
    }
  }, 40_000);

  it('a session stopped while it gives the others their grace removes nothing, for the next session to do', async () => {
    const prefix = `{abandoned-${randomUUID().slice(0, 8)}}`;
    const dead = localSnowflake();
    await leaveSession(prefix, dead);
    const deadKeys = await keysOf(prefix, dead);
    const stop = new AbortController();
    const removing = removeAbandonedSessions(redis.connection, prefix, localSnowflake(), { signal: stop.signal });
    setTimeout(() => stop.abort(), 200);

    expect(await removing).toEqual([]);
    expect(await keysOf(prefix, dead)).toEqual(deadKeys);
  });
});
