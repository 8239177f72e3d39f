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

  describe('a stored value written by another feelbot version (a rolling deploy)', () => {
    const keyOf = (prefix: string, guild: string) => `${prefix}:settings:${guild}`;
    const storedAt = async (prefix: string, guild: string) => JSON.parse((await redis.connection.get(keyOf(prefix, guild)))!) as Record<string, unknown>;

    it('with a field this version does not know and a mode it cannot read, an update of another field loses nothing', async () => {
      const prefix = freshPrefix();
      const store = new RedisSettingsStore(redis.connection, prefix);
      const [guild, silenced, whispering, logs] = [snowflake(), snowflake(), snowflake(), snowflake()];
      await redis.connection.set(
        keyOf(prefix, guild),
        JSON.stringify({
          ...DEFAULT_GUILD_SETTINGS,
          disabledPersonas: ['anger', 'boredom'],
          modes: { [silenced]: 'off', [whispering]: 'whisper' },
          defaultMode: 'off',
          logChannelId: logs,
          personaLooks: { joy: { name: 'Sunny' } },
          quietHours: { from: '22:00', to: '07:00' },
        }),
      );
      // The bot's own decisions read everything this version understands.
      expect(await store.get(guild)).toEqual({
        ...DEFAULT_GUILD_SETTINGS,
        disabledPersonas: ['anger'],
        modes: { [silenced]: 'off' },
        defaultMode: 'off',
        logChannelId: logs,
        personaLooks: { joy: { name: 'Sunny' } },
      });

      await store.update(guild, (current) => ({ ...current, userCooldownSeconds: 30 }));

      expect(await storedAt(prefix, guild)).toEqual({
        ...DEFAULT_GUILD_SETTINGS,
        disabledPersonas: ['anger', 'boredom'],
        modes: { [silenced]: 'off', [whispering]: 'whisper' },
        defaultMode: 'off',
        logChannelId: logs,
        personaLooks: { joy: { name: 'Sunny' } },
        quietHours: { from: '22:00', to: '07:00' },
        userCooldownSeconds: 30,
      });
    });

    it("a field of a persona's look that this version does not know stays with the look through updates of other settings and of that look", async () => {
      const prefix = freshPrefix();
      const store = new RedisSettingsStore(redis.connection, prefix);
      const guild = snowflake();
      await redis.connection.set(keyOf(prefix, guild), JSON.stringify({ ...DEFAULT_GUILD_SETTINGS, personaLooks: { joy: { name: 'Sunny', accentColor: '#ffcc00' } } }));

      await store.update(guild, (current) => ({ ...current, userCooldownSeconds: 30 }));
      expect(await storedAt(prefix, guild)).toMatchObject({ userCooldownSeconds: 30, personaLooks: { joy: { name: 'Sunny', accentColor: '#ffcc00' } } });

      await store.update(guild, (current) => ({ ...current, personaLooks: { joy: { ...current.personaLooks.joy, name: 'Sunshine' } } }));
      expect((await storedAt(prefix, guild)).personaLooks).toEqual({ joy: { name: 'Sunshine', accentColor: '#ffcc00' } });
    });

    it('a field whose whole value this version cannot read reads as its default, stays as stored through other updates, and is replaced when an update sets it', async () => {
      const prefix = freshPrefix();
      const store = new RedisSettingsStore(redis.connection, prefix);
      const [guild, silenced] = [snowflake(), snowflake()];
      await redis.connection.set(
        keyOf(prefix, guild),
        JSON.stringify({ ...DEFAULT_GUILD_SETTINGS, modes: { [silenced]: 'off' }, defaultMode: { weekdays: 'off', weekends: 'always' } }),
      );
      expect(await store.get(guild)).toMatchObject({ modes: { [silenced]: 'off' }, defaultMode: DEFAULT_GUILD_SETTINGS.defaultMode });

      await store.update(guild, (current) => ({ ...current, channelCooldownSeconds: 10 }));
      expect(await storedAt(prefix, guild)).toMatchObject({
        modes: { [silenced]: 'off' },
        defaultMode: { weekdays: 'off', weekends: 'always' },
        channelCooldownSeconds: 10,
      });

      await store.update(guild, (current) => ({ ...current, defaultMode: 'always' }));
      expect(await storedAt(prefix, guild)).toMatchObject({ modes: { [silenced]: 'off' }, defaultMode: 'always', channelCooldownSeconds: 10 });
    });

    it('a value that is no JSON object reads as the defaults, and an update refuses with SETTINGS_UNREADABLE instead of overwriting it', async () => {
      const prefix = freshPrefix();
      const store = new RedisSettingsStore(redis.connection, prefix);
      const guild = snowflake();
      for (const garbage of ['{"modes": {"1": "off"', '["off"]']) {
        await redis.connection.set(keyOf(prefix, guild), garbage);
        expect(await store.get(guild), garbage).toEqual(DEFAULT_GUILD_SETTINGS);
        const failure = await store.update(guild, (current) => ({ ...current, defaultMode: 'always' })).catch((error: unknown) => error);
        expect(isFeelbotError(failure, ErrorCodes.SettingsUnreadable), garbage).toBe(true);
        expect(await redis.connection.get(keyOf(prefix, guild)), garbage).toBe(garbage);
      }
    });
  });
});
