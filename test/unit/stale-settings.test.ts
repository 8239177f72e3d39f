import { describe, expect, it } from 'vitest';
import { namedChannelIds } from '../../src/domain/guild-settings.js';
import { availableGuildOf } from '../../src/gateway/listen-for-sweeps.js';
import { guildDeletionOf } from '../../src/gateway/on-guild-delete.js';
import { lookupsFor } from '../../src/gateway/sweep-stale-settings.js';
import { buildSettings } from '../factories.js';

describe('what a sweep looks up', () => {
  it('every id the settings name, once: modes of their own and the log channel', () => {
    expect(namedChannelIds(buildSettings({ modes: { '10': 'always', '20': 'off' }, logChannelId: '30' })).sort()).toEqual(['10', '20', '30']);
    expect(namedChannelIds(buildSettings({ modes: { '10': 'always' }, logChannelId: '10' }))).toEqual(['10']);
    expect(namedChannelIds(buildSettings())).toEqual([]);
  });

  it('all of them when they fit the cap; otherwise exactly the cap, each a different one of them', () => {
    const ids = Array.from({ length: 60 }, (_, i) => String(i + 1));
    expect(lookupsFor(ids.slice(0, 3), 50).sort()).toEqual(['1', '2', '3']);
    const picked = lookupsFor(ids, 50);
    expect(picked).toHaveLength(50);
    expect(new Set(picked).size).toBe(50);
    expect(picked.every((id) => ids.includes(id))).toBe(true);
  });

  it('over many sweeps, ids beyond the cap are reached too: the pick is not always the same', () => {
    const ids = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const reached = new Set(Array.from({ length: 20 }, () => lookupsFor(ids, 50)).flat());
    expect(reached.size).toBe(60);
  });
});

describe('raw guild dispatches, as Discord sends them', () => {
  it('GUILD_CREATE of an available guild names it; one still unavailable in an outage does not', () => {
    expect(availableGuildOf({ id: '1', name: 'g', unavailable: false, channels: [], threads: [] })).toBe('1');
    expect(availableGuildOf({ id: '1', name: 'g', channels: [] })).toBe('1');
    expect(availableGuildOf({ id: '1', unavailable: true })).toBeUndefined();
    expect(availableGuildOf(null)).toBeUndefined();
  });

  it('GUILD_DELETE without `unavailable` (or with false) is a removal; with `unavailable: true` an outage', () => {
    expect(guildDeletionOf({ id: '1' })).toEqual({ guildId: '1', unavailable: false });
    expect(guildDeletionOf({ id: '1', unavailable: false })).toEqual({ guildId: '1', unavailable: false });
    expect(guildDeletionOf({ id: '1', unavailable: true })).toEqual({ guildId: '1', unavailable: true });
  });

  it('passes over a payload of another shape', () => {
    expect(guildDeletionOf({ id: 1 })).toBeUndefined();
    expect(guildDeletionOf('1')).toBeUndefined();
  });
});
