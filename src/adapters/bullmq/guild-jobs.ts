import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GuildJobsRemoval, LeftGuildJobs } from '../../ports/left-guild-jobs.js';
import { LEFT_SERVER_BLOCK_SECONDS } from '../redis/redis-channel-blocks.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { RedisEditedMessages } from '../redis/redis-edited-messages.js';
import { scanKeys } from '../redis/scan-keys.js';
import type { JobWithdrawals } from './job-withdrawals.js';
import type { MessageCarriers } from './message-carriers.js';
import { readJob } from './read-job.js';

/** An index outlives the block of a server that left: a job older than both is answered, or refused, as before. */
const INDEX_SECONDS = LEFT_SERVER_BLOCK_SECONDS;

/** Oldest entries checked at each add: more than the one added, so the entries of jobs gone leave faster than new ones come. */
const CHECKED_PER_ADD = 2;

/** Message ids forgotten per DEL, so that a server with many jobs sends no single huge command. */
const FORGET_BATCH = 500;

/**
 * Adds a job to its server's index, then looks at the index's oldest entries: one whose job has left
 * Redis (finished and trimmed, withdrawn) goes, one still there moves to the back. The index so holds
 * about the server's jobs in Redis, however busy it is. It reads job keys not given in KEYS, as
 * BullMQ's own scripts do (Redis Cluster is not supported).
 */
const RECORD = `
local now = ARGV[2]
redis.call('ZADD', KEYS[1], now, ARGV[1])
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, ${CHECKED_PER_ADD - 1})) do
  if id ~= ARGV[1] then
    if redis.call('EXISTS', ARGV[4] .. id) == 1 then redis.call('ZADD', KEYS[1], now, id) else redis.call('ZREM', KEYS[1], id) end
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
`;

/**
 * The jobs of each server, indexed where they are queued, so that a server that removes the bot has
 * them removed without a scan of the whole queue (which grows without bound while workers are down).
 */
export class GuildJobs implements LeftGuildJobs {
  private readonly edited: RedisEditedMessages;

  constructor(
    private readonly queue: Queue,
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly carriers: MessageCarriers,
    private readonly withdrawals: JobWithdrawals,
  ) {
    this.edited = new RedisEditedMessages(connection, prefix);
  }

  /** Notes `jobId` as one of the server's jobs; a DM's (no server) is not noted. */
  async record(guildId: string | null, jobId: string): Promise<void> {
    if (guildId === null) return;
    await this.connection.eval(RECORD, 1, this.key(guildId), jobId, Date.now(), INDEX_SECONDS, this.queue.toKey(''));
  }

  async removeGuild(guildId: string): Promise<GuildJobsRemoval> {
    const index = this.key(guildId);
    // Bounded by the server's own jobs in Redis (RECORD keeps it so).
    const jobIds = await this.connection.zrange(index, 0, -1);
    let removed = 0;
    let held = 0;
    const forgotten: string[] = [];
    for (const jobId of jobIds) {
      const job = await readJob(this.queue, jobId);
      // 0 when a worker holds the job's lock: BullMQ never removes an active job.
      if (job && (await this.queue.remove(jobId)) !== 1) {
        held++;
        continue;
      }
      if (job) {
        removed++;
        forgotten.push(...messageIdsOf(job.data));
      }
      // A withdrawal's kept rest holds its text too (JobWithdrawals).
      await this.withdrawals.settle(jobId);
      await this.connection.zrem(index, jobId);
    }
    for (let start = 0; start < forgotten.length; start += FORGET_BATCH) {
      const batch = forgotten.slice(start, start + FORGET_BATCH);
      await Promise.all([this.edited.forget(batch), this.carriers.forget(batch)]);
    }
    return { removed, held };
  }

  async *guildsWithJobs(signal?: AbortSignal): AsyncIterable<readonly string[]> {
    const head = this.key('');
    for await (const keys of scanKeys(this.connection, head, signal)) {
      yield keys.map((key) => key.slice(head.length)).filter((guildId) => guildId !== '' && !guildId.includes(':'));
    }
  }

  private key(guildId: string): string {
    return feelbotKey(this.prefix, 'guild-jobs', guildId);
  }
}

/**
 * The messages a job's data names: a reply's own, its burst's and its context's. Read as plain JSON,
 * not through the schema: a job of another version is cleaned up as far as its fields are known.
 */
function messageIdsOf(data: unknown): string[] {
  if (!isRecord(data)) return [];
  const listed = [data.messageId, ...arrayOf(data.burst), ...[...arrayOf(data.parts), ...arrayOf(data.context)].map((entry) => (isRecord(entry) ? entry.messageId : undefined))];
  return listed.filter((id): id is string => typeof id === 'string');
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
