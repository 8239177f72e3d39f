import type { Redis } from 'ioredis';
import type { ChannelBlocks } from '../../ports/channel-blocks.js';
import { feelbotKey } from './redis-connection.js';

/** Long enough to spare Discord a refused request per message; short enough that a fix by an admin shows soon. */
export const CHANNEL_BLOCK_SECONDS = 10 * 60;

/** Blocked channels in Redis, shared by every worker, each expiring on its own. */
export class RedisChannelBlocks implements ChannelBlocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async isBlocked(channelId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(channelId))) === 1;
  }

  async block(channelId: string, code: string): Promise<void> {
    await this.redis.set(this.key(channelId), code, 'EX', CHANNEL_BLOCK_SECONDS);
  }

  private key(channelId: string): string {
    return feelbotKey(this.prefix, 'blocked', channelId);
  }
}
