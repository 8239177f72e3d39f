import type { ChainableCommander, Redis } from 'ioredis';
import { feelbotKey } from '../redis/redis-connection.js';
import { INDEX_ENTRY_TTL_SECONDS, RenewedJobIndex } from './renewed-job-index.js';
import { quotedIn } from './unquote-deleted.js';

/**
 * Which reply jobs quote each message in their context (other people's messages before the one
 * answered), kept in Redis as a set per message: what a deletion looks up to take the deleted text
 * out of those jobs too. The counterpart of MessageCarriers, which tells the job that answers it.
 * Each set expires unless renewed (`renew`), which a job's sets are while the job is in Redis.
 */
export class ContextQuotes {
  private readonly index: RenewedJobIndex;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    /** The Redis key of a job's hash, whose data `renew` reads. */
    jobKey: (jobId: string) => string,
  ) {
    this.index = new RenewedJobIndex(connection, feelbotKey(prefix, 'quotes-renewed'), jobKey, {
      namedIn: quotedIn,
      writeIn: (batch, messageIds, jobId) => this.addTo(batch, messageIds, jobId),
    });
  }

  /** Records `jobId` as quoting every one of `messageIds`, until renewed or INDEX_ENTRY_TTL_SECONDS have passed. */
  record(messageIds: readonly string[], jobId: string): Promise<void> {
    return this.index.record(messageIds, jobId);
  }

  /**
   * Records again the jobs still in Redis as quoting what their stored context still holds, once
   * unrenewed a while (RenewedJobIndex); forgets those gone, or quoting nothing now. Returns how
   * many it renewed.
   */
  renew(): Promise<number> {
    return this.index.renew();
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

  /** Adds `jobId` to the set of every one of `messageIds`; each set lives on for the job written last. */
  private addTo(batch: ChainableCommander, messageIds: readonly string[], jobId: string): void {
    for (const id of messageIds) batch.sadd(this.key(id), jobId).expire(this.key(id), INDEX_ENTRY_TTL_SECONDS);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'quoted', messageId);
  }
}
