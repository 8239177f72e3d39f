import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS, withoutChannel } from '../../../src/domain/guild-settings.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe("deleting a guild's settings, on a real Redis", () => {
  const redis = usePrivateRedis();
  const fresh = () => {
    const prefix = `{settings-${randomUUID().slice(0, 8)}}`;
    return { prefix, store: new RedisSettingsStore(redis.connection, prefix) };
  };
  const keysUnder = (prefix: string) => redis.connection.keys(`${prefix}*`);

  it("deletes that guild's settings key and nothing else under the prefix; later reads see the defaults", async () => {
    const { prefix, store } = fresh();
    const [leaving, staying] = [snowflake(), snowflake()];
    await store.update(leaving, (current) => ({ ...current, defaultMode: 'always', modes: { [snowflake()]: 'off' } }));
    await store.update(staying, (current) => ({ ...current, defaultMode: 'off' }));
    // Another kind of key that names the guild (a notice's dedup key) is not the settings, and stays.
    const notice = feelbotKey(prefix, 'notice', leaving, 'SOME_CODE', snowflake());
    await redis.connection.set(notice, '1');

    expect(await store.delete(leaving)).toBe(true);
    expect((await keysUnder(prefix)).sort()).toEqual([feelbotKey(prefix, 'settings', staying), notice].sort());
    expect(await store.get(leaving)).toEqual(DEFAULT_GUILD_SETTINGS);
    expect((await store.get(staying)).defaultMode).toBe('off');
  });

  it('deleting twice, or a guild that never had settings, is no error and says there was nothing', async () => {
    const { store } = fresh();
    const guild = snowflake();
    await store.update(guild, (current) => ({ ...current, userCooldownSeconds: 5 }));
    expect(await store.delete(guild)).toBe(true);
    expect(await store.delete(guild)).toBe(false);
    expect(await store.delete(snowflake())).toBe(false);
  });

  it('deletes settings this version cannot read at all (no JSON object), which an update refuses to overwrite', async () => {
    const { prefix, store } = fresh();
    const guild = snowflake();
    await redis.connection.set(feelbotKey(prefix, 'settings', guild), '["off"]');
    expect(await store.delete(guild)).toBe(true);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('a late change that finds nothing to remove (a sweep racing the removal) does not bring deleted settings back', async () => {
    const { prefix, store } = fresh();
    const [guild, channel] = [snowflake(), snowflake()];
    await store.update(guild, (current) => ({ ...current, modes: { [channel]: 'always' } }));
    await store.delete(guild);

    expect(await store.update(guild, (latest) => withoutChannel(latest, channel))).toEqual(DEFAULT_GUILD_SETTINGS);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('an update that leaves the settings as they were writes nothing: the stored value stays byte for byte', async () => {
    const { prefix, store } = fresh();
    const guild = snowflake();
    const key = feelbotKey(prefix, 'settings', guild);
    // Spaced out as feelbot never writes it: any write, even of the same settings, would show.
    const stored = JSON.stringify({ ...DEFAULT_GUILD_SETTINGS, defaultMode: 'off' }, null, 2);
    await redis.connection.set(key, stored);

    expect(await store.update(guild, (current) => ({ ...current }))).toEqual({ ...DEFAULT_GUILD_SETTINGS, defaultMode: 'off' });
    expect(await redis.connection.get(key)).toBe(stored);
    expect(await store.update(guild, (current) => ({ ...current, defaultMode: 'always' }))).toMatchObject({ defaultMode: 'always' });
    expect(JSON.parse((await redis.connection.get(key))!)).toMatchObject({ defaultMode: 'always' });
  });
});
