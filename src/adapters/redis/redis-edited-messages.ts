import type { Redis } from 'ioredis';
import type { EditedMessages } from '../../ports/edited-messages.js';
import { moveEntries } from './move-entries.js';
import { feelbotKey } from './redis-connection.js';

/** As long as a deletion's mark (RedisDeletedMessages): longer than any reply stays queued or in generation. */
const EDITED_TTL_SECONDS = 60 * 60;

/** A server's list keeps an entry this much past its edit's key: another gateway's clock may run a little behind. */
const CLOCK_MARGIN_MS = 60_000;

/** Edits forgotten per round trip, so that a busy server sends no single huge command. */
const FORGET_BATCH = 500;

/** Records an edit (KEYS[1], ARGV[1] its text) in the server's list KEYS[2] in one step, and drops the list's entries older than ARGV[5]. */
const MARK_IN_SERVER = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[2])
`;

/**
 * Forgets the edits of ARGV[2..] (message ids; ARGV[1] the head of their keys), unless the server's
 * list KEYS[1] holds one: that one was edited again after it was set aside (the bot is back).
 */
const FORGET_UNLESS_EDITED_SINCE = `
for i = 2, #ARGV do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i]) then redis.call('DEL', ARGV[1] .. ARGV[i]) end
end
`;

/**
 * One short-lived key per edited message, holding its newest text, and per server a list of its
 * edited messages (a sorted set by time, as long-lived as its newest edit), so that all of them go
 * when the server removes the bot, whether or not a job still in Redis names them.
 */
export class RedisEditedMessages implements EditedMessages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async mark(messageId: string, content: string, guildId: string | null = null): Promise<void> {
    if (guildId === null) {
      await this.redis.set(this.key(messageId), content, 'EX', EDITED_TTL_SECONDS);
      return;
    }
    const now = Date.now();
    // One step (a script, which no WATCH can abort): an edit the server's list does not name would outlive the server's removal.
    await this.redis.eval(MARK_IN_SERVER, 2, this.key(messageId), this.listKey(guildId), content, EDITED_TTL_SECONDS, now, messageId, now - EDITED_TTL_SECONDS * 1_000 - CLOCK_MARGIN_MS);
  }

  async editsAmong(messageIds: readonly string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    const texts = await this.redis.mget(...messageIds.map((id) => this.key(id)));
    const edits = new Map<string, string>();
    messageIds.forEach((id, index) => {
      const text = texts[index];
      if (typeof text === 'string') edits.set(id, text);
    });
    return edits;
  }

  async forget(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.redis.del(...messageIds.map((id) => this.key(id)));
  }

  /** Sets aside the server's list as it is now: an edit after this (the bot added back) goes to a new list, and is kept. */
  async setAsideServer(guildId: string): Promise<void> {
    await moveEntries(this.redis, this.listKey(guildId), this.asideKey(guildId), EDITED_TTL_SECONDS);
  }

  /** Gives the set-aside list back to the server: the bot is in it again. */
  async restoreServer(guildId: string): Promise<void> {
    await moveEntries(this.redis, this.asideKey(guildId), this.listKey(guildId), EDITED_TTL_SECONDS);
  }

  /** Forgets every edit of the server's set-aside list but those edited again since. */
  async forgetSetAside(guildId: string): Promise<void> {
    const aside = this.asideKey(guildId);
    for (;;) {
      const messageIds = await this.redis.zrange(aside, 0, FORGET_BATCH - 1);
      if (messageIds.length === 0) return;
      await this.forgetOfServer(guildId, messageIds);
      await this.redis.zrem(aside, ...messageIds);
    }
  }

  /** Forgets these messages' edits (the server's removed jobs named them), but those edited again since the server's were set aside. */
  async forgetOfServer(guildId: string, messageIds: readonly string[]): Promise<void> {
    for (let start = 0; start < messageIds.length; start += FORGET_BATCH) {
      const batch = messageIds.slice(start, start + FORGET_BATCH);
      await this.redis.eval(FORGET_UNLESS_EDITED_SINCE, 1, this.listKey(guildId), this.key(''), ...batch);
    }
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'edited', messageId);
  }

  private listKey(guildId: string): string {
    return feelbotKey(this.prefix, 'edited-in', guildId);
  }

  private asideKey(guildId: string): string {
    return feelbotKey(this.prefix, 'edited-in', guildId, 'leaving');
  }
}
