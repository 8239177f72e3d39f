import { randomInt, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { readJob } from '../../../src/adapters/bullmq/read-job.js';
import { RedisChannelBlocks } from '../../../src/adapters/redis/redis-channel-blocks.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { RedisWebhookCache } from '../../../src/adapters/redis/redis-webhook-cache.js';
import { createGuildRemovalHandler } from '../../../src/gateway/on-guild-delete.js';
import { createLeftGuildSweeper } from '../../../src/gateway/sweep-left-guilds.js';
import { liftLeftServer } from '../../../src/jobs/blocked-places.js';
import { messageJobId, type MessageJob } from '../../../src/jobs/message-job.js';
import { buildMessageJob, snowflake } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const SWEPT = 'deleted the settings of guilds the bot left while no gateway listened';
/** Long enough that a job stays delayed for the whole test. */
const LONG_WINDOW_MS = 60_000;

/** A guild id whose events Discord sends to `shardId` of `shardCount`: (id >> 22) % count. */
function guildOnShard(shardId: number, shardCount: number): string {
  const timestamp = BigInt(randomInt(1_000_000, 2 ** 40)) * BigInt(shardCount) + BigInt(shardId);
  return ((timestamp << 22n) | BigInt(randomInt(0, 2 ** 22))).toString();
}

const redis = usePrivateRedis();
const opened: MessageQueue[] = [];
afterEach(async () => {
  for (const queue of opened.splice(0)) await queue.close();
});

/** The READY sweep's real Redis deps on a private prefix. */
function deployment() {
  const prefix = `{sweep-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  opened.push(queue);
  const settings = new RedisSettingsStore(redis.connection, prefix);
  const blocks = new RedisChannelBlocks(redis.connection, prefix);
  const { logger, lines } = capturedLogger();
  const sweep = createLeftGuildSweeper({ settings, blocks, jobs: queue.guildJobs, logger });
  return { prefix, queue, settings, blocks, lines, sweep };
}

function messageIn(guildId: string, content: string): MessageJob {
  return buildMessageJob({ guildId, channelId: snowflake(), messageId: snowflake(), author: { id: snowflake(), displayName: 'a member' }, content });
}

describe('at READY, the queued replies of guilds the bot left while no gateway listened (real Redis and BullMQ)', () => {
  it("are removed, and the guild blocked as left, with or without settings; a listed guild's, another shard's and one joined since stay", async () => {
    const { prefix, queue, settings, blocks, lines, sweep } = deployment();
    const shard: [number, number] = [1, 2];
    const [leftWithSettings, leftWithoutSettings, listed, joined] = [guildOnShard(1, 2), guildOnShard(1, 2), guildOnShard(1, 2), guildOnShard(1, 2)];
    const otherShard = guildOnShard(0, 2);
    await settings.update(leftWithSettings, (current) => ({ ...current, defaultMode: 'always' }));
    const jobs = {
      leftWithSettings: messageIn(leftWithSettings, 'left, with settings'),
      leftWithoutSettings: messageIn(leftWithoutSettings, 'left, never configured'),
      listed: messageIn(listed, 'still a member here'),
      joined: messageIn(joined, 'joined during the sweep'),
      otherShard: messageIn(otherShard, "another shard's business"),
    };
    for (const job of Object.values(jobs)) await queue.enqueueDebounced(job, snowflake(), LONG_WINDOW_MS);

    await sweep({ session: { shardId: shard[0], shardCount: shard[1], guildIds: new Set([listed]) }, joinedSince: new Set([joined]) });

    const contents = await everythingUnder(redis.connection, prefix);
    expect(contents).not.toContain('left, with settings');
    expect(contents).not.toContain('left, never configured');
    for (const job of [jobs.listed, jobs.joined, jobs.otherShard]) expect(await readJob(queue.queue, messageJobId(job.messageId))).toBeDefined();
    expect(await blocks.blockedBy([`server:${leftWithSettings}`])).toBe('GUILD_LEFT');
    expect(await blocks.blockedBy([`server:${leftWithoutSettings}`])).toBe('GUILD_LEFT');
    for (const kept of [listed, joined, otherShard]) expect(await blocks.blockedBy([`server:${kept}`])).toBeUndefined();
    expect(lines.find((line) => line.msg === SWEPT)).toMatchObject({ level: 'info', deleted: 1, leftGuilds: 2, removedJobs: 2 });
  });

  it('a guild that comes back (GUILD_CREATE) while it is being blocked is left unblocked', async () => {
    const { queue, blocks } = deployment();
    const guildId = guildOnShard(0, 1);
    await queue.enqueueDebounced(messageIn(guildId, 'sent before the kick'), snowflake(), LONG_WINDOW_MS);
    const joinedSince = new Set<string>();
    // The GUILD_CREATE arrives while the sweep's block of the guild is on its way to Redis.
    const racing = new Proxy(blocks, {
      get(target, property, receiver) {
        if (property !== 'block') return Reflect.get(target, property, receiver) as unknown;
        return async (place: string, code: string) => {
          await target.block(place, code);
          joinedSince.add(guildId);
        };
      },
    });
    const { logger } = capturedLogger();
    const raced = createLeftGuildSweeper({ settings: new RedisSettingsStore(redis.connection, `{unused-${randomUUID().slice(0, 8)}}`), blocks: racing, jobs: queue.guildJobs, logger });

    await raced({ session: { shardId: 0, shardCount: 1, guildIds: new Set() }, joinedSince });

    expect(await blocks.blockedBy([`server:${guildId}`])).toBeUndefined();
    expect(await queue.queue.getDelayedCount()).toBe(1);
  });

  it('a guild added back (GUILD_CREATE) after the sweep found it left keeps the replies queued since; those from before its return go', async () => {
    const { queue, blocks } = deployment();
    const guildId = guildOnShard(0, 1);
    const before = messageIn(guildId, 'sent before the kick');
    const after = messageIn(guildId, 'sent after the bot came back');
    await queue.enqueueDebounced(before, snowflake(), LONG_WINDOW_MS);
    const joinedSince = new Set<string>();
    const settings = new RedisSettingsStore(redis.connection, `{unused-${randomUUID().slice(0, 8)}}`);
    // The GUILD_CREATE arrives after the sweep's last look at joinedSince, while it deletes the settings: the block is lifted, and a member writes.
    const racing = new Proxy(settings, {
      get(target, property, receiver) {
        if (property !== 'delete') return Reflect.get(target, property, receiver) as unknown;
        return async (id: string) => {
          joinedSince.add(guildId);
          await liftLeftServer(guildId, blocks);
          await queue.enqueueDebounced(after, snowflake(), LONG_WINDOW_MS);
          return target.delete(id);
        };
      },
    });
    const raced = createLeftGuildSweeper({ settings: racing, blocks, jobs: queue.guildJobs, logger: capturedLogger().logger });

    await raced({ session: { shardId: 0, shardCount: 1, guildIds: new Set() }, joinedSince });

    expect(joinedSince.has(guildId)).toBe(true);
    expect(await readJob(queue.queue, messageJobId(before.messageId))).toBeUndefined();
    expect(await readJob(queue.queue, messageJobId(after.messageId))).toBeDefined();
    expect(await blocks.blockedBy([`server:${guildId}`])).toBeUndefined();
  });

  it("removes what a GUILD_DELETE's removal cut short by the gateway's stop left behind", async () => {
    const { prefix, queue, blocks, lines, sweep } = deployment();
    const guildId = guildOnShard(0, 1);
    for (const content of ['first secret', 'second secret']) await queue.enqueueDebounced(messageIn(guildId, content), snowflake(), LONG_WINDOW_MS);
    const stopped = new AbortController();
    stopped.abort();
    const { logger, lines: removalLines } = capturedLogger();
    const membership = createGuildRemovalHandler({
      settings: new RedisSettingsStore(redis.connection, prefix),
      webhooks: new RedisWebhookCache(redis.connection, prefix),
      blocks,
      jobs: queue.guildJobs,
      logger,
      shutdown: stopped.signal,
    });
    await membership({ guildId, unavailable: false });
    expect(removalLines.find((line) => line.msg === 'deleted the settings of a guild the bot left')).toMatchObject({ removedJobs: 0, stopped: true });
    expect(await queue.queue.getDelayedCount()).toBe(2);

    // The next start's READY does not list the guild.
    await sweep({ session: { shardId: 0, shardCount: 1, guildIds: new Set() }, joinedSince: new Set() });

    expect(await queue.queue.getDelayedCount()).toBe(0);
    expect(await everythingUnder(redis.connection, prefix)).not.toContain('secret');
    expect(lines.find((line) => line.msg === SWEPT)).toMatchObject({ leftGuilds: 1, removedJobs: 2 });
  });
});
