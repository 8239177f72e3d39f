import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { terminalQueueName } from '../../../src/adapters/bullmq/queue-names.js';
import { terminalStreamKey } from '../../../src/adapters/redis/terminal-replier.js';
import { removeAbandonedSessions } from '../../../src/chat/abandoned-sessions.js';
import { heartbeatKey, SessionHeartbeat } from '../../../src/chat/session-heartbeat.js';
import { localSnowflake } from '../../../src/domain/snowflake.js';
import { usePrivateRedis } from '../../support/redis-server.js';

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
});
