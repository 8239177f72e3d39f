import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('guild settings, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{settings-${randomUUID().slice(0, 8)}}`;
  const opened: Array<{ disconnect(): void }> = [];
  afterEach(() => {
    for (const connection of opened.splice(0)) connection.disconnect();
  });

  it('two changes to one guild at once, on the one connection a gateway shares, both land', async () => {
    const store = new RedisSettingsStore(redis.connection, freshPrefix());
    const guild = snowflake();
    await Promise.all([
      store.update(guild, (current) => ({ ...current, userCooldownSeconds: 30 })),
      store.update(guild, (current) => ({ ...current, defaultMode: 'always' })),
    ]);
    expect(await store.get(guild)).toMatchObject({ userCooldownSeconds: 30, defaultMode: 'always' });
  });

  it('changes to one guild from several processes at once all land', async () => {
    const prefix = freshPrefix();
    const guild = snowflake();
    const channels = Array.from({ length: 5 }, () => snowflake());
    const stores = channels.map(() => {
      const connection = redis.connection.duplicate();
      opened.push(connection);
      return new RedisSettingsStore(connection, prefix);
    });
    await Promise.all(stores.map((store, i) => store.update(guild, (current) => ({ ...current, modes: { ...current.modes, [channels[i]!]: 'off' } }))));
    const { modes } = await stores[0]!.get(guild);
    expect(Object.keys(modes).sort()).toEqual([...channels].sort());
  });

  it('a change that loses every compare-and-set to other writers fails with SETTINGS_CONFLICT, and what they wrote stands', async () => {
    const prefix = freshPrefix();
    const store = new RedisSettingsStore(redis.connection, prefix);
    const guild = snowflake();
    let rivalWrites = 0;
    const failure = await store
      .update(guild, (current) => {
        // Another admin's change lands between this read and this write, every time (queued first on the connection).
        void redis.connection.set(`${prefix}:settings:${guild}`, JSON.stringify({ ...DEFAULT_GUILD_SETTINGS, userCooldownSeconds: ++rivalWrites }));
        return { ...current, defaultMode: 'always' };
      })
      .catch((error: unknown) => error);
    expect(isFeelbotError(failure, ErrorCodes.SettingsConflict)).toBe(true);
    expect(await store.get(guild)).toMatchObject({ userCooldownSeconds: rivalWrites, defaultMode: DEFAULT_GUILD_SETTINGS.defaultMode });
  });
});
