import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { errorCodeOf } from '../../../src/errors.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * Many changes to one guild's settings at once, as a burst of channel deletions in a server with a
 * long allow-list brings them: none may fail with SETTINGS_CONFLICT unless other processes really
 * keep winning every round.
 */
describe('many changes to one guild at once, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{settings-burst-${randomUUID().slice(0, 8)}}`;
  const opened: Array<{ disconnect(): void }> = [];
  afterEach(() => {
    for (const connection of opened.splice(0)) connection.disconnect();
  });

  /** The error code of every change that failed. */
  const failureCodes = (results: PromiseSettledResult<unknown>[]) => results.flatMap((result) => (result.status === 'rejected' ? [errorCodeOf(result.reason)] : []));

  it('30 changes at once on the one connection a gateway shares all land, none with SETTINGS_CONFLICT', async () => {
    const store = new RedisSettingsStore(redis.connection, freshPrefix());
    const guild = snowflake();
    const channels = Array.from({ length: 30 }, () => snowflake());
    const results = await Promise.allSettled(channels.map((id) => store.update(guild, (current) => ({ ...current, modes: { ...current.modes, [id]: 'off' } }))));
    expect(failureCodes(results)).toEqual([]);
    expect(Object.keys((await store.get(guild)).modes).sort()).toEqual([...channels].sort());
  });

  it('changes handed in one after another on one gateway apply in that order: the last one stands', async () => {
    const store = new RedisSettingsStore(redis.connection, freshPrefix());
    const guild = snowflake();
    const modes = ['always', 'off', 'auto', 'mention', 'always', 'off', 'auto', 'mention', 'always', 'off', 'auto', 'mention'] as const;
    await Promise.all(modes.map((mode) => store.update(guild, (current) => ({ ...current, defaultMode: mode }))));
    expect((await store.get(guild)).defaultMode).toBe(modes.at(-1));
  });

  it('4 gateways each changing one guild 10 times at once: all 40 changes land', async () => {
    const prefix = freshPrefix();
    const guild = snowflake();
    const stores = Array.from({ length: 4 }, () => {
      const connection = redis.connection.duplicate();
      opened.push(connection);
      return new RedisSettingsStore(connection, prefix);
    });
    const channels = stores.map(() => Array.from({ length: 10 }, () => snowflake()));
    const results = await Promise.allSettled(stores.flatMap((store, i) => channels[i]!.map((id) => store.update(guild, (current) => ({ ...current, modes: { ...current.modes, [id]: 'off' } })))));
    expect(failureCodes(results)).toEqual([]);
    expect(Object.keys((await stores[0]!.get(guild)).modes).sort()).toEqual(channels.flat().sort());
  });

  it('20 processes changing one guild at the same moment all land: a process that lost a round waits a little before it tries again', async () => {
    const prefix = freshPrefix();
    const guild = snowflake();
    const stores = Array.from({ length: 20 }, () => {
      const connection = redis.connection.duplicate();
      opened.push(connection);
      return new RedisSettingsStore(connection, prefix);
    });
    await Promise.all(stores.map((store) => store.get(guild))); // every connection is up before the race
    const channels = stores.map(() => snowflake());
    const results = await Promise.allSettled(stores.map((store, i) => store.update(guild, (current) => ({ ...current, modes: { ...current.modes, [channels[i]!]: 'off' } }))));
    expect(failureCodes(results)).toEqual([]);
    expect(Object.keys((await stores[0]!.get(guild)).modes).sort()).toEqual([...channels].sort());
  });
});
