import type { ChainableCommander, Redis } from 'ioredis';

/**
 * How long a job's entries go unrenewed before the gateway's sweep (every few minutes) renews them:
 * an index follows each job for as long as it is in Redis, waiting (for as long as the workers are
 * down), under way, or finished and kept.
 */
const RENEWED_AFTER_MS = 30 * 60_000;

/** An entry outlives its last record or renewal this long: sweeps that stop for 90 minutes (no gateway, Redis down) lose nothing. */
export const INDEX_ENTRY_TTL_SECONDS = 2 * 60 * 60;

/** Jobs renewed per round trip: each reads its job's data, up to 20 quoted messages of 4,000 characters. */
const RENEWAL_BATCH = 100;

/** What an index keeps of a job, per message. */
export interface JobIndexEntries {
  /** The messages a job's stored data (its hash's `data`; undefined once the job has left Redis) gives it entries for. */
  namedIn(stored: unknown): string[];
  /** Adds to `batch` the job's entries for these messages, each to live INDEX_ENTRY_TTL_SECONDS. */
  writeIn(batch: ChainableCommander, messageIds: readonly string[], jobId: string): void;
}

/**
 * An index by message of the jobs in Redis (which job carries a message, which quote it), whose
 * entries expire unless renewed. A sorted set holds each job by when its entries were last written;
 * the gateway's sweep (`renew`) writes again those of the jobs still in Redis, as their stored data
 * names them now, and forgets the jobs gone, whose entries then expire. So the index names a job
 * however long it waits, and holds about the jobs in Redis only.
 */
export class RenewedJobIndex {
  constructor(
    private readonly connection: Redis,
    /** The sorted set's key. */
    private readonly renewalsKey: string,
    /** The Redis key of a job's hash, whose data `renew` reads. */
    private readonly jobKey: (jobId: string) => string,
    private readonly entries: JobIndexEntries,
  ) {}

  /** Records `jobId` under every one of `messageIds`, in one MULTI, until renewed or INDEX_ENTRY_TTL_SECONDS have passed. */
  async record(messageIds: readonly string[], jobId: string): Promise<void> {
    if (messageIds.length === 0) return;
    const batch = this.connection.multi();
    this.entries.writeIn(batch, messageIds, jobId);
    await batch.zadd(this.renewalsKey, Date.now(), jobId).expire(this.renewalsKey, INDEX_ENTRY_TTL_SECONDS).exec();
  }

  /**
   * Records again the jobs last recorded RENEWED_AFTER_MS ago or longer that are still in Redis,
   * under what their stored data names now; forgets those gone, or naming nothing now. Returns how
   * many it renewed.
   */
  async renew(): Promise<number> {
    let renewed = 0;
    for (;;) {
      const due = await this.connection.zrangebyscore(this.renewalsKey, '-inf', Date.now() - RENEWED_AFTER_MS, 'LIMIT', 0, RENEWAL_BATCH);
      if (due.length === 0) return renewed;
      const reads = this.connection.pipeline();
      for (const jobId of due) reads.hget(this.jobKey(jobId), 'data');
      const stored = repliesOf(await reads.exec());
      const now = Date.now();
      // A pipeline, not a MULTI: a WATCH left on the connection cannot abort it.
      const writes = this.connection.pipeline();
      due.forEach((jobId, i) => {
        const named = this.entries.namedIn(stored[i]);
        if (named.length === 0) {
          writes.zrem(this.renewalsKey, jobId);
          return;
        }
        this.entries.writeIn(writes, named, jobId);
        writes.zadd(this.renewalsKey, now, jobId);
        renewed += 1;
      });
      repliesOf(await writes.expire(this.renewalsKey, INDEX_ENTRY_TTL_SECONDS).exec());
      if (due.length < RENEWAL_BATCH) return renewed;
    }
  }
}

/** The replies of a pipeline; the first command that failed fails the whole. */
function repliesOf(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
