import { randomInt, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { RedisChannelBlocks } from '../../../src/adapters/redis/redis-channel-blocks.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { readySessionOf } from '../../../src/gateway/ready-session.js';
import { createLeftGuildSweeper } from '../../../src/gateway/sweep-left-guilds.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const SWEPT = 'deleted the settings of guilds the bot left while no gateway listened';
/** More than one SCAN call returns, so the sweep must follow the cursor to the end. */
const MANY = 2_500;
/** Other keys of a busy deployment (jobs, cooldowns): some twenty SCAN calls' worth. */
const OTHER_KEYS = 20_000;

/** A guild id whose events Discord sends to `shardId` of `shardCount`: (id >> 22) % count. */
function guildOnShard(shardId: number, shardCount: number): string {
  const timestamp = BigInt(randomInt(1_000_000, 2 ** 40)) * BigInt(shardCount) + BigInt(shardId);
  return ((timestamp << 22n) | BigInt(randomInt(0, 2 ** 22))).toString();
}

/**
 * `connection` as the sweep sees it, with the gateway's stop coming while its first SCAN is sent;
 * counts the SCAN calls sent after that.
 */
function stopDuringFirstScan(connection: Redis, stopping: AbortController) {
  const sent = { afterStop: 0 };
  const watched = new Proxy(connection, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property !== 'scan') return method.bind(target);
      return (...args: unknown[]) => {
        if (stopping.signal.aborted) sent.afterStop++;
        else stopping.abort();
        return method.apply(target, args);
      };
    },
  });
  return { connection: watched, sent };
}

/** A READY as Discord sends it to one shard: every guild listed, unavailable. */
function readyPayload(guildIds: readonly string[], shard: [number, number]) {
  return {
    v: 10,
    user: { id: '1100000000000000009', username: 'feelbot', discriminator: '0', bot: true },
    guilds: guildIds.map((id) => ({ id, unavailable: true })),
    session_id: randomUUID(),
    resume_gateway_url: 'wss://gateway.discord.gg',
    shard,
    application: { id: '1100000000000000008', flags: 0 },
  };
}

/** The sweep at READY, against a real Redis holding many keys: what it deletes and what it must not. */
describe('at READY, the settings of guilds the bot left while no gateway listened', () => {
  const redis = usePrivateRedis();
  const opened: MessageQueue[] = [];
  afterEach(async () => {
    for (const queue of opened.splice(0)) await queue.close();
  });

  /** Where a left guild is blocked, and its queued jobs (none here) are looked for. */
  function leftGuildDeps(prefix: string) {
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    return { blocks: new RedisChannelBlocks(redis.connection, prefix), jobs: queue.guildJobs };
  }

  async function storeSettings(prefix: string, guildIds: readonly string[]) {
    const pipeline = redis.connection.pipeline();
    for (const id of guildIds) pipeline.set(feelbotKey(prefix, 'settings', id), JSON.stringify({ defaultMode: 'always' }));
    await pipeline.exec();
  }
  const stored = async (prefix: string, guildIds: readonly string[]) =>
    (await Promise.all(guildIds.map((id) => redis.connection.exists(feelbotKey(prefix, 'settings', id))))).filter(Boolean).length;

  it("are deleted for this shard's guilds READY does not list; the listed ones, other shards', those joined since and keys of no guild stay", async () => {
    const prefix = `{left-${randomUUID().slice(0, 8)}}`;
    const shard: [number, number] = [1, 3];
    const listed = Array.from({ length: 5 }, () => guildOnShard(1, 3));
    const left = Array.from({ length: MANY }, () => guildOnShard(1, 3));
    const otherShards = [guildOnShard(0, 3), guildOnShard(2, 3)];
    const joined = guildOnShard(1, 3);
    await storeSettings(prefix, [...listed, ...left, ...otherShards, joined, 'not-a-guild']);
    // Other keys under the prefix, and another deployment's settings, the SCAN walks past.
    await storeSettings(`{other-${randomUUID().slice(0, 8)}}`, [guildOnShard(1, 3)]);
    const pipeline = redis.connection.pipeline();
    for (let i = 0; i < MANY; i++) pipeline.set(feelbotKey(prefix, 'deleted', String(i)), '1');
    await pipeline.exec();

    const { logger, lines } = capturedLogger();
    const sweep = createLeftGuildSweeper({ settings: new RedisSettingsStore(redis.connection, prefix), ...leftGuildDeps(prefix), logger });
    const session = readySessionOf(readyPayload(listed, shard))!;
    await sweep({ session, joinedSince: new Set([joined]) });

    expect(await stored(prefix, left)).toBe(0);
    expect(await stored(prefix, [...listed, ...otherShards, joined, 'not-a-guild'])).toBe(listed.length + otherShards.length + 2);
    expect(await redis.connection.exists(feelbotKey(prefix, 'deleted', '0'))).toBe(1);
    expect(lines.find((line) => line.msg === SWEPT)).toMatchObject({ level: 'info', shardId: 1, shardCount: 3, listed: listed.length, deleted: MANY, stopped: false });
  });

  it('a gateway already stopping deletes nothing, and says so', async () => {
    const prefix = `{left-${randomUUID().slice(0, 8)}}`;
    const left = guildOnShard(0, 1);
    await storeSettings(prefix, [left]);
    const { logger, lines } = capturedLogger();
    const stopping = new AbortController();
    stopping.abort();
    const sweep = createLeftGuildSweeper({ settings: new RedisSettingsStore(redis.connection, prefix), ...leftGuildDeps(prefix), logger, stopping: stopping.signal });
    await sweep({ session: readySessionOf(readyPayload([], [0, 1]))!, joinedSince: new Set() });
    expect(await stored(prefix, [left])).toBe(1);
    expect(lines.find((line) => line.msg === SWEPT)).toMatchObject({ deleted: 0, stopped: true });
  });

  it('a gateway that starts to stop during a sweep sends no further SCAN, though no settings key was met', async () => {
    const prefix = `{left-${randomUUID().slice(0, 8)}}`;
    const pipeline = redis.connection.pipeline();
    for (let i = 0; i < OTHER_KEYS; i++) pipeline.set(feelbotKey(prefix, 'deleted', String(i)), '1');
    await pipeline.exec();
    const stopping = new AbortController();
    const { connection, sent } = stopDuringFirstScan(redis.connection, stopping);
    const { logger, lines } = capturedLogger();
    const sweep = createLeftGuildSweeper({ settings: new RedisSettingsStore(connection, prefix), ...leftGuildDeps(prefix), logger, stopping: stopping.signal });
    await sweep({ session: readySessionOf(readyPayload([], [0, 1]))!, joinedSince: new Set() });
    // The SCAN under way when the stop came is the last: the gateway's stop waits for no more.
    expect(sent.afterStop).toBe(0);
    expect(lines.find((line) => line.msg === SWEPT)).toMatchObject({ stopped: true });
  });

  it('a prefix with glob characters lists only its own settings', async () => {
    const prefix = `{left*[a]?-${randomUUID().slice(0, 8)}}`;
    const mine = guildOnShard(0, 1);
    await storeSettings(prefix, [mine]);
    // Keys the unescaped pattern would match too.
    const lookalike = prefix.replace('*[a]?', 'xa_');
    await storeSettings(lookalike, [guildOnShard(0, 1)]);
    const ids: string[] = [];
    for await (const batch of new RedisSettingsStore(redis.connection, prefix).storedGuildIds()) ids.push(...batch);
    expect(ids).toEqual([mine]);
  });
});
