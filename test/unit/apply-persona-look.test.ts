import { describe, expect, it } from 'vitest';
import { applyPersonaLook } from '../../src/domain/apply-persona-look.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';

describe("a guild's look for a persona", () => {
  const joy = DEFAULT_PERSONAS.joy;

  it('replaces the name and avatar it sets, and only those', () => {
    const shown = applyPersonaLook(joy, { name: 'Sunny', avatarUrl: 'https://cdn.example.test/sunny.png' });
    expect(shown).toEqual({ ...joy, name: 'Sunny', avatar: 'https://cdn.example.test/sunny.png' });
    expect(applyPersonaLook(joy, { avatarUrl: 'https://cdn.example.test/sunny.png' }).name).toBe(joy.name);
    expect(applyPersonaLook(joy, undefined)).toBe(joy);
  });

  it('passes over a stored name Discord would refuse, so the persona still posts under its own', () => {
    expect(applyPersonaLook(joy, { name: 'Clyde the Happy' }).name).toBe(joy.name);
    expect(applyPersonaLook(joy, { name: 'my DISCORD pal', avatarUrl: 'https://cdn.example.test/a.png' })).toEqual({
      ...joy,
      avatar: 'https://cdn.example.test/a.png',
    });
  });

  it('passes over a stored avatar URL Discord would refuse (set before the settings command checked its host), so the persona still posts under its look\'s name', () => {
    for (const avatarUrl of ['https://avatars/joy.png', 'https://-/', 'https://203.0.113.7/joy.png']) {
      expect(applyPersonaLook(joy, { name: 'Sunny', avatarUrl }), avatarUrl).toEqual({ ...joy, name: 'Sunny' });
    }
  });
});
