import { describe, expect, it } from 'vitest';
import { AvatarStore } from '../../src/adapters/files/avatar-store.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { PersonaLookSchema, replyModeFor, withChannelMode, withLogChannel } from '../../src/domain/guild-settings.js';
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

describe("a channel's own mode, as /feelbot channel sets it", () => {
  const place = { channelId: '40', parentId: '30' };

  it('inherit removes it, so the channel follows its category again, and leaves the other channels alone', () => {
    const pinned = withChannelMode(buildSettings({ modes: { '30': 'off', '10': 'always' } }), '40', 'always');
    expect(replyModeFor(pinned, place)).toBe('always');
    const followed = withChannelMode(pinned, '40', 'inherit');
    expect(followed.modes).toEqual({ '30': 'off', '10': 'always' });
    expect(replyModeFor(followed, place)).toBe('off');
  });

  it('inherit on a channel with no mode of its own changes nothing', () => {
    const settings = buildSettings({ modes: { '30': 'off' } });
    expect(withChannelMode(settings, '40', 'inherit')).toEqual(settings);
  });
});

describe('the log channel, as /feelbot logchannel sets it', () => {
  it('is replaced by a channel given, and removed when none is', () => {
    expect(withLogChannel(buildSettings({ logChannelId: '1' }), '2').logChannelId).toBe('2');
    const cleared = withLogChannel(buildSettings({ logChannelId: '1' }), undefined);
    expect(cleared).toEqual(buildSettings());
    expect('logChannelId' in cleared).toBe(false);
  });
});

describe("a persona's look, as the settings command stores it", () => {
  it('keeps an avatar URL in the one spelling the repliers read as a URL, however the admin wrote its scheme', () => {
    for (const written of ['HTTPS://cdn.example.test/joy.png', 'Https://cdn.example.test/joy.png', 'https:cdn.example.test/joy.png']) {
      const { avatarUrl } = PersonaLookSchema.parse({ avatarUrl: written });
      expect(avatarUrl, written).toBe('https://cdn.example.test/joy.png');
      expect(new AvatarStore().publicUrl({ ...DEFAULT_PERSONAS.joy, avatar: avatarUrl! }, undefined), written).toBe(avatarUrl);
    }
  });

  it('takes a name of up to 80 characters as Discord counts them (an emoji is one), and refuses 81', () => {
    expect(PersonaLookSchema.safeParse({ name: '😊'.repeat(80) }).success).toBe(true);
    expect(PersonaLookSchema.safeParse({ name: '😊'.repeat(81) }).success).toBe(false);
    expect(PersonaLookSchema.safeParse({ name: 'a'.repeat(81) }).success).toBe(false);
  });

  it('refuses an avatar URL that is not https', () => {
    for (const written of ['http://cdn.example.test/joy.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)']) {
      expect(PersonaLookSchema.safeParse({ avatarUrl: written }).success, written).toBe(false);
    }
  });
});

describe("an operator's persona avatar", () => {
  it('is a URL whatever the case of its scheme', () => {
    expect(new AvatarStore().publicUrl({ ...DEFAULT_PERSONAS.joy, avatar: 'HTTPS://cdn.example.test/joy.png' }, undefined)).toBe('HTTPS://cdn.example.test/joy.png');
  });
});
