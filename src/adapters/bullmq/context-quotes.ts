import type { Redis } from 'ioredis';
import { DELETION_MARKER_SECONDS } from '../../ports/deletion-markers.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { JOB_RETENTION } from './job-options.js';

/**
 * A job run within the markers' hour is kept up to JOB_RETENTION.failedSeconds after it ends, its
 * context with it; one that waited longer has its context confirmed with Discord instead.
 */
const QUOTES_TTL_SECONDS = DELETION_MARKER_SECONDS + JOB_RETENTION.failedSeconds;

/**
 * Which reply jobs quote each message in their context (other people's messages before the one
 * answered), kept in Redis as a set per message: what a deletion looks up to take the deleted text
 * out of those jobs too. The counterpart of MessageCarriers, which tells the job that answers it.
 */
export class ContextQuotes {
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  /** Records `jobId` as quoting every one of `messageIds`; each set lives on for the newest job added. */
  async record(messageIds: readonly string[], jobId: string): Promise<void> {
    if (messageIds.length === 0) return;
    const batch = this.connection.multi();
    for (const id of messageIds) batch.sadd(this.key(id), jobId).expire(this.key(id), QUOTES_TTL_SECONDS);
    await batch.exec();
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
}
