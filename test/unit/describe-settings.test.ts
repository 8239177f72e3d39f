import { describe, expect, it } from 'vitest';
import { describeSettings, MAX_DESCRIPTION_CHARS } from '../../src/gateway/commands/describe-settings.js';
import { EMOTIONS } from '../../src/domain/emotions.js';
import { buildSettings, snowflake } from '../factories.js';

describe('describeSettings', () => {
  it('shows every setting of a small server', () => {
    const channel = snowflake();
    const text = describeSettings(buildSettings({ modes: { [channel]: 'auto' }, personaLooks: { joy: { name: 'Sunny' } } }));
    expect(text).toContain(`<#${channel}>: auto`);
    expect(text).toContain('joy → Sunny');
    expect(text).not.toContain('more');
  });

  it('stays short enough for one Discord message with 60 channel modes and six long custom looks', () => {
    const modes = Object.fromEntries(Array.from({ length: 60 }, () => [snowflake(), 'always' as const]));
    const personaLooks = Object.fromEntries(
      EMOTIONS.map((emotion) => [emotion, { name: `${emotion} `.repeat(20).slice(0, 80), avatarUrl: `https://cdn.example.test/${'a'.repeat(480)}.png` }]),
    );
    const text = describeSettings(buildSettings({ modes, personaLooks }));
    expect(text.length).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
    // Every line is still there; the long lists say how much they leave out.
    for (const heading of ['Personas', 'Default mode', 'Channels', 'Cooldowns', 'Log channel', 'Custom looks']) expect(text).toContain(`**${heading}:**`);
    expect(text).toMatch(/…and \d+ more/);
    const shownChannels = text.match(/<#\d+>: always/g)?.length ?? 0;
    const [, hidden] = /\*\*Channels:\*\*.*…and (\d+) more/.exec(text) ?? [];
    expect(shownChannels + Number(hidden ?? 0)).toBe(60);
  });
});
