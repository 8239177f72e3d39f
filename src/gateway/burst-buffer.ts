import type { Redis } from 'ioredis';
import { feelbotKey } from '../adapters/redis/redis-connection.js';

/** Messages from one author in one channel closer together than this are answered as one. */
export const BURST_WINDOW_MS = 2_500;
/** A burst longer than this many messages keeps only the latest; a reply can't read a wall of text. */
const MAX_BURST_MESSAGES = 8;

export interface BurstEntry {
  readonly messageId: string;
  readonly content: string;
  readonly addressed: boolean;
}

/**
 * The messages of one author's current burst in one channel, shared by every gateway through
 * Redis so a burst split across gateways is still one burst.
 */
export class BurstBuffer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** True when the author already has a burst open here. */
  async isOpen(channelId: string, authorId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(channelId, authorId))) === 1;
  }

  /** Adds a message and returns the whole burst so far, oldest first. */
  async append(channelId: string, authorId: string, entry: BurstEntry): Promise<BurstEntry[]> {
    const key = this.key(channelId, authorId);
    const results = await this.redis
      .multi()
      .rpush(key, JSON.stringify(entry))
      .ltrim(key, -MAX_BURST_MESSAGES, -1)
      .pexpire(key, BURST_WINDOW_MS)
      .lrange(key, 0, -1)
      .exec();
    const raw = (results?.[3]?.[1] ?? []) as string[];
    return raw.map((item) => JSON.parse(item) as BurstEntry);
  }

  /** The deduplication id BullMQ debounces on. */
  burstId(channelId: string, authorId: string): string {
    return `burst-${channelId}-${authorId}`;
  }

  private key(channelId: string, authorId: string): string {
    return feelbotKey(this.prefix, 'burst', channelId, authorId);
  }
}
