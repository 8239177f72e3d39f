import type { Redis } from 'ioredis';
import type { ChannelBlocks } from '../../ports/channel-blocks.js';
import { feelbotKey } from './redis-connection.js';

/** Long enough to spare Discord a refused request per message; short enough that a fix by an admin shows soon. */
export const CHANNEL_BLOCK_SECONDS = 10 * 60;

/** Blocked places in Redis, shared by every worker, each expiring on its own. */
export class RedisChannelBlocks implements ChannelBlocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async anyBlocked(places: readonly string[]): Promise<boolean> {
    return places.length > 0 && (await this.redis.exists(...places.map((place) => this.key(place)))) > 0;
  }

  async block(place: string, code: string): Promise<void> {
    await this.redis.set(this.key(place), code, 'EX', CHANNEL_BLOCK_SECONDS);
  }

  private key(place: string): string {
    return feelbotKey(this.prefix, 'blocked', place);
  }
}
