import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { withBurstLock } from './burst-lock.js';
import { feelbotKey } from './redis-connection.js';
// A burst longer than this many messages keeps only the latest (the job's schema takes no more).
import { MAX_BURST_MESSAGES, type MessageText } from '../../jobs/message-job.js';

/** 16 hex digits of SHA-256: one author's few edits of one message never meet by chance. */
const DIGEST_HEX_DIGITS = 16;

/**
 * Adds a message to the author's burst, or opens one with it, in one step; a message already in
 * the burst (a retried append whose first try Redis ran but never answered) is not added again.
 * An addressed message the cap drops leaves the burst's id in its dropped-addressed key, which
 * lives as long as the burst (a stale one, left by a gateway from before the key, names another).
 * KEYS: the burst's entries, its id, its dropped-addressed key. ARGV: the entry (JSON), its message
 * id, the window ms, the most entries kept. Returns {the burst's id, its entries, 1 when an
 * addressed message was dropped from it, else 0}.
 */
const APPEND = `
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX')
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local id = redis.call('GET', KEYS[2])
local present = false
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if cjson.decode(item).messageId == ARGV[2] then present = true end
end
if not present then
  redis.call('RPUSH', KEYS[1], ARGV[1])
  for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -tonumber(ARGV[4]) - 1)) do
    if cjson.decode(item).addressed then redis.call('SET', KEYS[3], id) end
  end
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[4]), -1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local dropped = redis.call('GET', KEYS[3]) == id and 1 or 0
return {id, redis.call('LRANGE', KEYS[1], 0, -1), dropped}
`;

/**
 * Drops the deleted messages from a burst in one step, and closes the burst when none is left.
 * KEYS: the burst's entries, its id, its dropped-addressed key. ARGV: the deleted message ids.
 * Returns {id or '', entries kept, 1 when an addressed message was dropped from it, else 0}.
 */
const FORGET = `
local deleted = {}
for _, id in ipairs(ARGV) do deleted[id] = true end
local kept = {}
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if deleted[cjson.decode(item).messageId] then redis.call('LREM', KEYS[1], 0, item) else table.insert(kept, item) end
end
if #kept == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return {'', kept, 0}
end
local id = redis.call('GET', KEYS[2])
return {id or '', kept, id and redis.call('GET', KEYS[3]) == id and 1 or 0}
`;

/**
 * Gives an edited message of a burst its new text in one step. KEYS: the burst's entries. ARGV: the
 * message id, its new text, and its new raw text with its text's digest if any (none clears the old
 * ones). Returns 1 when the burst held the message, else 0.
 */
const REVISE = `
for i, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local entry = cjson.decode(item)
  if entry.messageId == ARGV[1] then
    entry.content = ARGV[2]
    entry.rawContent = ARGV[3]
    entry.rawContentOf = ARGV[4]
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(entry))
    return 1
  end
end
return 0
`;

export interface BurstEntry extends MessageText {
  readonly messageId: string;
  readonly addressed: boolean;
}

/**
 * An entry as Redis holds it: with its raw text, the digest of the text shown (`content`) it was
 * written beside. A gateway from before the raw text edits `content` alone (a rolling deploy), so
 * a raw text whose digest no longer matches is an older text's.
 */
interface StoredEntry extends BurstEntry {
  readonly rawContentOf?: string;
}

export interface Burst {
  /** Names this burst and no other: the id of the message that opened it. */
  readonly id: string;
  /** Its messages, oldest first. */
  readonly entries: BurstEntry[];
  /**
   * True when a message the burst no longer keeps (it keeps the newest MAX_BURST_MESSAGES)
   * mentioned the bot or replied to it: whoever asked still gets the burst's reply.
   */
  readonly droppedAddressed: boolean;
}

/**
 * The messages of one author's current burst in one channel, shared by every gateway through
 * Redis so a burst split across gateways is still one burst. A burst stays open while its
 * messages come closer together than the window.
 */
export class BurstBuffer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly windowMs: number,
  ) {}

  /** True when the author already has a burst open here. */
  async isOpen(channelId: string, authorId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(channelId, authorId))) === 1;
  }

  /** The messages of the author's open burst here, oldest first; none when no burst is open. */
  async messageIdsOf(channelId: string, authorId: string): Promise<string[]> {
    return (await this.redis.lrange(this.key(channelId, authorId), 0, -1)).map((item) => entryOf(item).messageId);
  }

  /**
   * The author's open burst here, in one round trip: its id, its messages (oldest first), and
   * whether an addressed one was dropped; undefined when none is open (it expired, or was closed).
   */
  async current(channelId: string, authorId: string): Promise<Burst | undefined> {
    const [entriesKey, idKey, addressedKey] = this.keys(channelId, authorId);
    const read = await this.redis.multi().lrange(entriesKey, 0, -1).get(idKey).get(addressedKey).exec();
    if (!read) return undefined;
    for (const [error] of read) if (error) throw error;
    const [raw, id, dropped] = read.map(([, value]) => value) as [string[], string | null, string | null];
    if (raw.length === 0) return undefined;
    const entries = raw.map(entryOf);
    // As `forget` reads it: a burst opened by a gateway from before its id key is named by its first message.
    return { id: id ?? entries[0]!.messageId, entries, droppedAddressed: id !== null && dropped === id };
  }

  /** Adds a message to the open burst, or opens one with it, and returns the burst so far. */
  async append(channelId: string, authorId: string, entry: BurstEntry): Promise<Burst> {
    const [id, raw, dropped] = (await this.redis.eval(
      APPEND,
      3,
      ...this.keys(channelId, authorId),
      JSON.stringify(storedEntry(entry)),
      entry.messageId,
      this.windowMs,
      MAX_BURST_MESSAGES,
    )) as [string | null, string[], number];
    return { id: id ?? entry.messageId, entries: raw.map(entryOf), droppedAddressed: dropped === 1 };
  }

  /**
   * Takes deleted messages out of the author's burst, so no later message of the burst carries
   * their text. Returns what is left, or undefined when the burst is now closed.
   */
  async forget(channelId: string, authorId: string, messageIds: readonly string[]): Promise<Burst | undefined> {
    const [id, raw, dropped] = (await this.redis.eval(FORGET, 3, ...this.keys(channelId, authorId), ...messageIds)) as [string, string[], number];
    if (raw.length === 0) return undefined;
    const entries = raw.map(entryOf);
    return { id: id || entries[0]!.messageId, entries, droppedAddressed: dropped === 1 };
  }

  /**
   * Gives an edited message its new text in the author's open burst, so the burst's later jobs
   * read it. Returns false when no open burst holds the message.
   */
  async revise(channelId: string, authorId: string, messageId: string, text: MessageText): Promise<boolean> {
    const raw = text.rawContent === undefined ? [] : [text.rawContent, digestOf(text.content)];
    return (await this.redis.eval(REVISE, 1, this.key(channelId, authorId), messageId, text.content, ...raw)) === 1;
  }

  /** Runs `work` as the only step on the author's burst here, whichever gateway runs it (withBurstLock). */
  exclusively<T>(channelId: string, authorId: string, work: () => Promise<T>): Promise<T> {
    return withBurstLock(this.redis, this.prefix, channelId, authorId, work);
  }

  /** Closes the open burst, whose reply has already started, and opens a new one with this message. */
  async restart(channelId: string, authorId: string, entry: BurstEntry): Promise<Burst> {
    await this.redis.del(...this.keys(channelId, authorId));
    return this.append(channelId, authorId, entry);
  }

  private key(channelId: string, authorId: string): string {
    return feelbotKey(this.prefix, 'burst', channelId, authorId);
  }

  /** The burst's entries, its id, and the id again when a message dropped from it was addressed. */
  private keys(channelId: string, authorId: string): [string, string, string] {
    return [this.key(channelId, authorId), feelbotKey(this.prefix, 'burst-id', channelId, authorId), feelbotKey(this.prefix, 'burst-addressed', channelId, authorId)];
  }
}

function storedEntry(entry: BurstEntry): StoredEntry {
  return entry.rawContent === undefined ? entry : { ...entry, rawContentOf: digestOf(entry.content) };
}

/**
 * An entry as read back, its raw text kept only while it belongs to the text shown: after an older
 * gateway's edit, and on an entry without a digest, the classifier reads the text as shown.
 */
function entryOf(item: string): BurstEntry {
  const { rawContent, rawContentOf, ...entry } = JSON.parse(item) as StoredEntry;
  return rawContent !== undefined && rawContentOf === digestOf(entry.content) ? { ...entry, rawContent } : entry;
}

function digestOf(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, DIGEST_HEX_DIGITS);
}
