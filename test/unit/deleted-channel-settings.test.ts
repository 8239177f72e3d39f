import { describe, expect, it } from 'vitest';
import { namesChannel, withoutChannel } from '../../src/domain/guild-settings.js';
import { deletedChannelOf } from '../../src/gateway/on-channel-delete.js';
import { buildSettings } from '../factories.js';

describe('what a deleted channel leaves in the settings', () => {
  it('its own mode and the log channel go; other channels and the rest stay', () => {
    const settings = buildSettings({ defaultMode: 'off', modes: { '10': 'always', '20': 'auto' }, logChannelId: '10' });
    expect(namesChannel(settings, '10')).toBe(true);
    expect(withoutChannel(settings, '10')).toEqual(buildSettings({ defaultMode: 'off', modes: { '20': 'auto' } }));
  });

  it('a log channel elsewhere stays when a channel with a mode goes, and a mode stays when only the log channel goes', () => {
    const settings = buildSettings({ modes: { '10': 'always' }, logChannelId: '30' });
    expect(withoutChannel(settings, '10')).toEqual(buildSettings({ modes: {}, logChannelId: '30' }));
    expect(withoutChannel(settings, '30')).toEqual(buildSettings({ modes: { '10': 'always' } }));
  });

  it('a channel nothing names is not named, so the gateway writes nothing for it', () => {
    expect(namesChannel(buildSettings({ modes: { '10': 'always' }, logChannelId: '30' }), '99')).toBe(false);
  });
});

describe('deletedChannelOf, from a raw CHANNEL_DELETE or THREAD_DELETE', () => {
  it('reads a guild channel and a thread by their ids and guild', () => {
    expect(deletedChannelOf({ id: '10', guild_id: '1', type: 0, name: 'general', parent_id: null })).toEqual({ guildId: '1', channelId: '10' });
    expect(deletedChannelOf({ id: '11', guild_id: '1', parent_id: '10', type: 11 })).toEqual({ guildId: '1', channelId: '11' });
  });

  it('passes over a DM channel (no guild) and a payload of another shape', () => {
    expect(deletedChannelOf({ id: '12', type: 1 })).toBeUndefined();
    expect(deletedChannelOf(null)).toBeUndefined();
    expect(deletedChannelOf({ id: 12, guild_id: '1' })).toBeUndefined();
  });
});
