import type { Redis } from 'ioredis';
import { feelbotKey } from '../redis/redis-connection.js';
import { quotedIn } from './unquote-deleted.js';

/**
 * How long a job's quotes go unrenewed before the gateway's sweep (every few minutes) renews them:
 * the index follows each job for as long as it is in Redis, waiting (for as long as the workers are
 * down), under way, or finished and kept.
 */
const QUOTES_RENEWED_AFTER_MS = 30 * 60_000;

/** A set outlives its last record or renewal this long: sweeps that stop for 90 minutes (no gateway, Redis down) lose nothing. */
const QUOTES_TTL_SECONDS = 2 * 60 * 60;

/** Jobs renewed per round trip: each reads its job's data, up to 20 quoted messages of 4,000 characters. */
const RENEWAL_BATCH = 100;

/**
 * Which reply jobs quote each message in their context (other people's messages before the one
 * answered), kept in Redis as a set per message: what a deletion looks up to take the deleted text
 * out of those jobs too. The counterpart of MessageCarriers, which tells the job that answers it.
 * Each set expires unless renewed (`renew`), which a job's sets are while the job is in Redis.
 */
export class ContextQuotes {
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    /** The Redis key of a job's hash, whose data `renew` reads. */
    private readonly jobKey: (jobId: string) => string,
  ) {}

  /** Records `jobId` as quoting every one of `messageIds`, until renewed or QUOTES_TTL_SECONDS have passed. */
  async record(messageIds: readonly string[], jobId: string): Promise<void> {
    if (messageIds.length === 0) return;
    const batch = this.connection.multi();
    for (const id of messageIds) batch.sadd(this.key(id), jobId).expire(this.key(id), QUOTES_TTL_SECONDS);
    batch.zadd(this.renewalsKey(), Date.now(), jobId).expire(this.renewalsKey(), QUOTES_TTL_SECONDS);
    await batch.exec();
  }

  /**
   * Records again the jobs last recorded QUOTES_RENEWED_AFTER_MS ago or longer that are still in
   * Redis, as quoting what their stored context still holds; forgets those gone, or quoting nothing
   * now. Returns how many it renewed.
   */
  async renew(): Promise<number> {
    let renewed = 0;
    for (;;) {
      const due = await this.connection.zrangebyscore(this.renewalsKey(), '-inf', Date.now() - QUOTES_RENEWED_AFTER_MS, 'LIMIT', 0, RENEWAL_BATCH);
      if (due.length === 0) return renewed;
      const reads = this.connection.pipeline();
      for (const jobId of due) reads.hget(this.jobKey(jobId), 'data');
      const stored = repliesOf(await reads.exec());
      const now = Date.now();
      // A pipeline, not a MULTI: a WATCH left on the connection cannot abort it.
      const writes = this.connection.pipeline();
      due.forEach((jobId, i) => {
        const quoted = quotedIn(stored[i]);
        if (quoted.length === 0) {
          writes.zrem(this.renewalsKey(), jobId);
          return;
        }
        for (const id of quoted) writes.sadd(this.key(id), jobId).expire(this.key(id), QUOTES_TTL_SECONDS);
        writes.zadd(this.renewalsKey(), now, jobId);
        renewed += 1;
      });
      repliesOf(await writes.expire(this.renewalsKey(), QUOTES_TTL_SECONDS).exec());
      if (due.length < RENEWAL_BATCH) return renewed;
    }
  }

  /** The jobs that quote any of these messages, in one round trip. */
  async quoting(messageIds: readonly string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    // A pipeline, not a MULTI: a WATCH left on the connection cannot abort it into "quoted by none".
    const batch = this.connection.pipeline();
    for (const id of messageIds) batch.smembers(this.key(id));
    const sets = (await batch.exec()) ?? [];
    const jobIds = sets.flatMap(([error, members]) => {
      if (error) throw error;
      return members as string[];
    });
    return [...new Set(jobIds)];
  }

  /** Forgets who quoted these messages, once every such job has been rewritten without them. */
  async forget(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length > 0) await this.connection.del(...messageIds.map((id) => this.key(id)));
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'quoted', messageId);
  }

  /** The jobs recorded, each by when its quotes were last recorded or renewed. */
  private renewalsKey(): string {
    return feelbotKey(this.prefix, 'quotes-renewed');
  }
}

/** The replies of a pipeline; the first command that failed fails the whole. */
function repliesOf(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
