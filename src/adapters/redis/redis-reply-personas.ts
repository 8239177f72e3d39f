import type { Redis } from 'ioredis';
import { EMOTIONS, type Emotion } from '../../domain/emotions.js';
import type { ReplyPersonas } from '../../ports/reply-personas.js';
import { feelbotKey } from './redis-connection.js';

/**
 * As long as a channel's persona webhooks are remembered (90 days), so a reply the gateway knows
 * as a persona's is known by key, not only by the name it was posted under (a server may rename one).
 */
const REPLY_PERSONA_TTL_SECONDS = 90 * 24 * 3_600;

/** One short string per posted reply, expiring. */
export class RedisReplyPersonas implements ReplyPersonas {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async record(replyId: string, persona: Emotion): Promise<void> {
    await this.redis.set(this.key(replyId), persona, 'EX', REPLY_PERSONA_TTL_SECONDS);
  }

  async personasOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, Emotion>> {
    if (messageIds.length === 0) return new Map();
    const noted = await this.redis.mget(...messageIds.map((id) => this.key(id)));
    // A value that names no persona would make the job invalid on the worker's side: read as none.
    return new Map(messageIds.flatMap((id, index) => (isEmotion(noted[index]) ? [[id, noted[index]] as const] : [])));
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'reply-persona', messageId);
  }
}

function isEmotion(value: string | null | undefined): value is Emotion {
  return (EMOTIONS as readonly (string | null | undefined)[]).includes(value);
}
