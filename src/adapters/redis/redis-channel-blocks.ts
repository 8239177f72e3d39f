import type { Redis } from 'ioredis';
import { ErrorCodes } from '../../errors.js';
import type { ChannelBlocks } from '../../ports/channel-blocks.js';
import { feelbotKey } from './redis-connection.js';

/** Long enough to spare Discord a refused request per message; short enough that a fix by an admin shows soon. */
export const CHANNEL_BLOCK_SECONDS = 10 * 60;

/**
 * A deleted place's id is never reused, so its block only has to outlast its jobs' waits, and
 * BullMQ drops no waiting job: besides a burst window, rate-limit delays and retries, a reply waits
 * for as long as the workers are down or behind. A week outlasts an outage left over a weekend or a
 * holiday, at about a hundred bytes of Redis per deleted place.
 */
export const DELETED_PLACE_BLOCK_SECONDS = 7 * 24 * 60 * 60;

/** Blocked places in Redis, shared by every gateway and worker, each expiring on its own. */
export class RedisChannelBlocks implements ChannelBlocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async blockedBy(places: readonly string[]): Promise<string | undefined> {
    if (places.length === 0) return undefined;
    const codes = await this.redis.mget(...places.map((place) => this.key(place)));
    return codes.find((code) => code !== null) ?? undefined;
  }

  async block(place: string, code: string): Promise<void> {
    const seconds = code === ErrorCodes.ChannelDeleted ? DELETED_PLACE_BLOCK_SECONDS : CHANNEL_BLOCK_SECONDS;
    await this.redis.set(this.key(place), code, 'EX', seconds);
  }

  private key(place: string): string {
    return feelbotKey(this.prefix, 'blocked', place);
  }
}
