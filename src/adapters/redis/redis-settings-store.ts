import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import { DEFAULT_GUILD_SETTINGS, GuildSettingsSchema, type GuildSettings } from '../../domain/guild-settings.js';
import type { SettingsDeletion, SettingsStore } from '../../ports/settings-store.js';
import type { StoredGuilds } from '../../ports/stored-guilds.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { SerialByKey } from '../../serial-by-key.js';
import { feelbotKey } from './redis-connection.js';
import { scanKeys } from './scan-keys.js';

/** Optimistic updates retry when another process wrote the same guild in between. */
const MAX_UPDATE_ATTEMPTS = 10;

/**
 * A round lost to another process waits a random time from `minMs` up to a ceiling that starts at
 * twice that, doubles with each lost round and stops at `maxMs`: processes that collided spread out
 * instead of colliding again, and ten lost rounds take well under a second.
 */
const RETRY_BACKOFF = { minMs: 5, maxMs: 50 } as const;

/**
 * Writes the new settings only if they are still what was read: a compare-and-set in one step,
 * since WATCH would hold state on a connection the whole gateway shares (another caller's EXEC
 * would clear it, or fail because of it). KEYS: the settings. ARGV: the value read ('' for none), the new one.
 */
const COMPARE_AND_SET = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

type Stored = Record<string, unknown>;

/**
 * A stored value as this version reads it: what it understands, and the rest as stored (fields
 * it has no schema for, values of a shape it does not know, such as a newer feelbot's during a
 * rolling deploy), which an update writes back untouched.
 */
interface ReadSettings {
  readonly settings: GuildSettings;
  /** Whole fields as stored: unknown ones, and known ones whose value could not be read. */
  readonly unreadFields: Stored;
  /** Entries of a map (`modes`) or items of a list (`disabledPersonas`) that could not be read, by field. */
  readonly unreadParts: Record<string, Stored | unknown[]>;
}

/**
 * Guild settings as one JSON value per guild; reads go to Redis every time, so changes apply at once.
 * One store's updates of a guild run one at a time, in the order handed in (a burst of channel
 * deletions is many at once), so only another process can make one lose a compare-and-set.
 */
export class RedisSettingsStore implements SettingsStore, SettingsDeletion, StoredGuilds {
  private readonly updatesInOrder = new SerialByKey();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** What this version understands of the stored value; a value it cannot read at all reads as the defaults. */
  async get(guildId: string): Promise<GuildSettings> {
    return readSettings(await this.redis.get(this.key(guildId)))?.settings ?? DEFAULT_GUILD_SETTINGS;
  }

  /**
   * Keeps what this version cannot read; refuses (SETTINGS_UNREADABLE) to overwrite a value that is
   * no JSON object; writes nothing when the change leaves the settings as they were. Fails with
   * SETTINGS_CONFLICT only when other processes won every one of its rounds.
   */
  update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings> {
    return this.updatesInOrder.run(guildId, () => this.compareAndSet(guildId, change));
  }

  private async compareAndSet(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings> {
    const key = this.key(guildId);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const raw = await this.redis.get(key);
      const read = readSettings(raw);
      if (!read) {
        throw new FeelbotError(ErrorCodes.SettingsUnreadable, `Settings of guild ${guildId} are not a JSON object; they are left as they are.`, {
          permanent: true,
          details: { guildId, key },
        });
      }
      const next = GuildSettingsSchema.parse(change(read.settings));
      // Nothing to write: a write would only bring back settings a guild's removal deleted meanwhile.
      if (isDeepStrictEqual(next, read.settings)) return next;
      if ((await this.redis.eval(COMPARE_AND_SET, 1, key, raw ?? '', JSON.stringify(withUnread(next, read)))) === 1) return next;
    }
    throw new FeelbotError(ErrorCodes.SettingsConflict, `Settings of guild ${guildId} kept changing under ${MAX_UPDATE_ATTEMPTS} updates.`, {
      details: { guildId, attempts: MAX_UPDATE_ATTEMPTS },
    });
  }

  /** Only the settings key: a guild's other keys (notices sent, analysis counts) expire on their own. */
  async delete(guildId: string): Promise<boolean> {
    return (await this.redis.del(this.key(guildId))) > 0;
  }

  /** SCAN, not KEYS: a call at a time, each short, so other clients are never held up. */
  async *storedGuildIds(signal?: AbortSignal): AsyncIterable<readonly string[]> {
    const head = this.key('');
    for await (const keys of scanKeys(this.redis, head, signal)) {
      yield keys.map((key) => key.slice(head.length)).filter((guildId) => guildId !== '' && !guildId.includes(':'));
    }
  }

  private key(guildId: string): string {
    return feelbotKey(this.prefix, 'settings', guildId);
  }
}

/** How long to wait after `lostRounds` lost compare-and-sets (RETRY_BACKOFF). */
function backoffMs(lostRounds: number): number {
  const ceiling = Math.min(RETRY_BACKOFF.maxMs, RETRY_BACKOFF.minMs * 2 ** lostRounds);
  return RETRY_BACKOFF.minMs + Math.random() * (ceiling - RETRY_BACKOFF.minMs);
}

/** Field by field, and a map's entries or a list's items one by one; undefined when the value is no JSON object. */
function readSettings(raw: string | null): ReadSettings | undefined {
  if (!raw) return { settings: DEFAULT_GUILD_SETTINGS, unreadFields: {}, unreadParts: {} };
  const stored = parseObject(raw);
  if (!stored) return undefined;
  const schemas: Record<string, { safeParse(value: unknown): { success: boolean; data?: unknown } }> = GuildSettingsSchema.shape;
  const understood: Stored = {};
  const unreadFields: Stored = {};
  const unreadParts: Record<string, Stored | unknown[]> = {};
  for (const [field, value] of Object.entries(stored)) {
    const schema = Object.hasOwn(schemas, field) ? schemas[field] : undefined;
    const whole = schema?.safeParse(value);
    if (!schema || !whole) unreadFields[field] = value;
    else if (whole.success) understood[field] = whole.data;
    else if (isObject(value) && schema.safeParse({}).success) {
      const [read, unread] = partition(Object.entries(value), ([key, entry]) => schema.safeParse({ [key]: entry }).success);
      understood[field] = schema.safeParse(Object.fromEntries(read)).data;
      unreadParts[field] = Object.fromEntries(unread);
    } else if (Array.isArray(value) && schema.safeParse([]).success) {
      const [read, unread] = partition(value, (item) => schema.safeParse([item]).success);
      understood[field] = schema.safeParse(read).data;
      unreadParts[field] = unread;
    } else unreadFields[field] = value;
  }
  return { settings: GuildSettingsSchema.parse(understood), unreadFields, unreadParts };
}

/**
 * What to store for `next`: it, with what the read value held that this version could not read.
 * A field it could not read keeps its stored value unless the change gave it another than it read;
 * an unread map entry stays unless the change set that key.
 */
function withUnread(next: GuildSettings, read: ReadSettings): Stored {
  const written: Stored = { ...next };
  for (const [field, value] of Object.entries(read.unreadFields)) {
    const known = field as keyof GuildSettings;
    if (!Object.hasOwn(GuildSettingsSchema.shape, field) || isDeepStrictEqual(next[known], read.settings[known])) written[field] = value;
  }
  for (const [field, unread] of Object.entries(read.unreadParts)) {
    const current = written[field];
    if (Array.isArray(unread)) written[field] = [...(Array.isArray(current) ? current : []), ...unread];
    else written[field] = { ...unread, ...(isObject(current) ? current : {}) };
  }
  return written;
}

function parseObject(raw: string): Stored | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Stored {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function partition<T>(items: readonly T[], keep: (item: T) => boolean): [T[], T[]] {
  return [items.filter(keep), items.filter((item) => !keep(item))];
}
