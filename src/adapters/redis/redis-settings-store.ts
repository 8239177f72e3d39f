import type { Redis } from 'ioredis';
import { DEFAULT_GUILD_SETTINGS, GuildSettingsSchema, type GuildSettings } from '../../domain/guild-settings.js';
import type { SettingsStore } from '../../ports/settings-store.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { feelbotKey } from './redis-connection.js';

/** Optimistic updates retry when another process wrote the same guild in between. */
const MAX_UPDATE_ATTEMPTS = 10;

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

/** Guild settings as one JSON value per guild; reads go to Redis every time, so changes apply at once. */
export class RedisSettingsStore implements SettingsStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(guildId: string): Promise<GuildSettings> {
    return parseSettings(await this.redis.get(this.key(guildId)));
  }

  async update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings> {
    const key = this.key(guildId);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const read = await this.redis.get(key);
      const next = GuildSettingsSchema.parse(change(parseSettings(read)));
      if ((await this.redis.eval(COMPARE_AND_SET, 1, key, read ?? '', JSON.stringify(next))) === 1) return next;
    }
    throw new FeelbotError(ErrorCodes.SettingsConflict, `Settings of guild ${guildId} kept changing under ${MAX_UPDATE_ATTEMPTS} updates.`, {
      details: { guildId, attempts: MAX_UPDATE_ATTEMPTS },
    });
  }

  private key(guildId: string): string {
    return feelbotKey(this.prefix, 'settings', guildId);
  }
}

function parseSettings(raw: string | null): GuildSettings {
  if (!raw) return DEFAULT_GUILD_SETTINGS;
  const parsed = GuildSettingsSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : DEFAULT_GUILD_SETTINGS;
}
