import { describe, expect, it } from 'vitest';
import { withoutDiscordMarkup } from '../../src/domain/discord-markup.js';

describe('withoutDiscordMarkup', () => {
  it('drops mentions, timestamps and command mentions, and keeps a custom emoji as people type its name', () => {
    expect(withoutDiscordMarkup('<@123> hi <@!456> <@&789> see <#101> at <t:1700000000:R> via </feel now:42> <:sadCat:9> <a:party_parrot:10>')).toBe(
      'hi see at via :sadCat: :party_parrot:',
    );
  });

  it('leaves text without markup as it is, lines and all', () => {
    expect(withoutDiscordMarkup('so <happy> today\nreally: 3 < 5')).toBe('so <happy> today\nreally: 3 < 5');
  });
});
