import { describe, expect, it } from 'vitest';
import { replyModeFor } from '../../src/domain/guild-settings.js';
import { buildSettings } from '../factories.js';

describe('replyModeFor', () => {
  const settings = buildSettings({ defaultMode: 'mention', modes: { '10': 'always', '20': 'off', '30': 'auto' } });

  it('a channel uses its own mode', () => {
    expect(replyModeFor(settings, { channelId: '10' })).toBe('always');
  });

  it('a thread inherits its parent channel mode', () => {
    expect(replyModeFor(settings, { channelId: '99', parentId: '20' })).toBe('off');
  });

  it('a channel inherits its category mode', () => {
    expect(replyModeFor(settings, { channelId: '98', parentId: '30' })).toBe('auto');
  });

  it('a thread in a channel without a mode inherits the category', () => {
    expect(replyModeFor(settings, { channelId: '97', parentId: '96', categoryId: '30' })).toBe('auto');
  });

  it('anything else uses the guild default', () => {
    expect(replyModeFor(settings, { channelId: '95' })).toBe('mention');
  });
});
