import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GuildJobsRemoval, LeftGuildJobs } from '../../ports/left-guild-jobs.js';
import { LEFT_SERVER_BLOCK_SECONDS } from '../redis/redis-channel-blocks.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { RedisEditedMessages } from '../redis/redis-edited-messages.js';
import { moveEntries } from '../redis/move-entries.js';
import { scanKeys } from '../redis/scan-keys.js';
import type { JobWithdrawals } from './job-withdrawals.js';
import type { MessageCarriers } from './message-carriers.js';
import { arrayOf, isRecord, parsedJobData } from './stored-job-data.js';

/** An index outlives the block of a server that left: a job older than both is answered, or refused, as before. */
const INDEX_SECONDS = LEFT_SERVER_BLOCK_SECONDS;

/** Oldest entries checked at each add: more than the one added, so the entries of jobs gone leave faster than new ones come. */
const CHECKED_PER_ADD = 2;

/** Message ids forgotten per DEL, so that a server with many jobs sends no single huge command. */
const FORGET_BATCH = 500;

/** Jobs removed per batch: a backlog of thousands goes in a few dozen round trips, each reply small. */
const REMOVAL_BATCH = 200;

/** The end of the key of a server's jobs set aside for removal. */
const ASIDE_TAIL = 'leaving';
const ASIDE_TAIL_PATTERN = new RegExp(`:${ASIDE_TAIL}$`);

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

  async setAside(guildId: string): Promise<void> {
    await Promise.all([moveEntries(this.connection, this.key(guildId), this.asideKey(guildId), INDEX_SECONDS), this.edited.setAsideServer(guildId)]);
  }

  async restoreSetAside(guildId: string): Promise<void> {
    await Promise.all([moveEntries(this.connection, this.asideKey(guildId), this.key(guildId), INDEX_SECONDS), this.edited.restoreServer(guildId)]);
  }

  async removeSetAside(guildId: string, signal?: AbortSignal): Promise<GuildJobsRemoval> {
    // Only what setAside took before the lift: a job queued after the bot's return goes to the index, so is never removed.
    const aside = this.asideKey(guildId);
    await this.edited.forgetSetAside(guildId);
    let removed = 0;
    let held = 0;
    for (;;) {
      if (signal?.aborted) return { removed, held, stopped: true };
      const jobIds = await this.connection.zrange(aside, 0, REMOVAL_BATCH - 1);
      if (jobIds.length === 0) return { removed, held, stopped: false };
      const batch = await this.removeBatch(guildId, jobIds);
      removed += batch.removed;
      held += batch.held;
    }
  }

  /**
   * Removes a batch of set-aside jobs in a few round trips: their hashes read in one pipeline,
   * BullMQ's own removal sent for all at once (it alone knows every list a job may be in, and never
   * removes an active one), then their records, and last their entries, so that a try cut short is redone.
   */
  private async removeBatch(guildId: string, jobIds: readonly string[]): Promise<{ removed: number; held: number }> {
    const reads = this.connection.pipeline();
    for (const jobId of jobIds) reads.exists(this.queue.toKey(jobId)).hget(this.queue.toKey(jobId), 'data');
    const replies = repliesOf(await reads.exec());
    const present = jobIds.flatMap((jobId, i) => (replies[2 * i] === 1 ? [{ jobId, data: replies[2 * i + 1] }] : []));
    const codes = await Promise.all(present.map(({ jobId }) => this.queue.remove(jobId)));
    // 0 when a worker holds the job's lock: it stays with the worker, which sees the block before it posts.
    const heldIds = present.filter((_, i) => codes[i] !== 1).map(({ jobId }) => jobId);
    // Held or not, the messages a job names lose their records: a held job is never posted.
    const forgotten = present.flatMap(({ data }) => messageIdsOf(parsedJobData(data)));
    await Promise.all([
      // A withdrawal's kept rest holds its text too (JobWithdrawals).
      this.withdrawals.settleAll(jobIds),
      this.edited.forgetOfServer(guildId, forgotten),
      ...batchesOf(forgotten, FORGET_BATCH).map((batch) => this.carriers.forget(batch)),
      this.indexAgain(guildId, heldIds),
    ]);
    await this.connection.zrem(this.asideKey(guildId), ...jobIds);
    return { removed: present.length - heldIds.length, held: heldIds.length };
  }

  /**
   * A held job goes back to the server's index: its worker removes it once done (seeing the block),
   * and a later removal (the READY sweep's) takes it if that worker died first.
   */
  private async indexAgain(guildId: string, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const now = Date.now();
    await this.connection
      .pipeline()
      .zadd(this.key(guildId), ...jobIds.flatMap((jobId) => [now, jobId]))
      .expire(this.key(guildId), INDEX_SECONDS)
      .exec();
  }

  async *guildsWithJobs(signal?: AbortSignal): AsyncIterable<readonly string[]> {
    const head = this.key('');
    for await (const keys of scanKeys(this.connection, head, signal)) {
      // A server's index, and what was set aside of it (a removal a stop cut short), name it alike.
      const named = keys.map((key) => key.slice(head.length).replace(ASIDE_TAIL_PATTERN, ''));
      yield [...new Set(named)].filter((guildId) => guildId !== '' && !guildId.includes(':'));
    }
  }

  private key(guildId: string): string {
    return feelbotKey(this.prefix, 'guild-jobs', guildId);
  }

  /** The server's jobs set aside for removal: jobs queued later go to `key`, so are never among them. */
  private asideKey(guildId: string): string {
    return feelbotKey(this.prefix, 'guild-jobs', guildId, ASIDE_TAIL);
  }
}


/** The replies of a pipeline; the first command that failed fails the whole. */
function repliesOf(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
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
