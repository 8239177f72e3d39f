import { describe, expect, it } from 'vitest';
import { applyPersonaLook } from '../../src/domain/apply-persona-look.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { PersonaLookSchema } from '../../src/domain/guild-settings.js';
import { PersonaSchema } from '../../src/domain/persona.js';
import { cleanWebhookName, isAllowedWebhookName, readsAsSameWebhookName, sameWebhookName } from '../../src/domain/webhook-name.js';

/**
 * Discord sanitises webhook usernames ("trimmed of leading, trailing, and excessive internal
 * whitespace"; some zero-width and non-rendering characters removed) and ignores one left blank:
 * the post then shows the webhook's own name (discord-api-docs#4218).
 */
describe('webhook names as Discord takes them', () => {
  it('a name with nothing visible in it is refused: blanks, zero-width spaces, an ideographic space', () => {
    for (const name of ['   ', '\u200b', '\u200b\u200b', '\u3000', '\u2060\ufeff', '\t\n']) expect(isAllowedWebhookName(name), JSON.stringify(name)).toBe(false);
  });

  it('a forbidden word spelled around invisible characters is refused, as Discord refuses it once they are gone', () => {
    expect(isAllowedWebhookName('Disc\u200bord fan')).toBe(false);
    expect(isAllowedWebhookName('cly\u00addebot')).toBe(false);
  });

  it('a name that spells a forbidden word only across blanks passes: Discord collapses whitespace, it does not delete it', () => {
    for (const name of ['Cold is cordial', 'Acid is cordial', 'Clay dew', 'disc ord', 'cly\u3000de', 'dis \u200b cord']) expect(isAllowedWebhookName(name), JSON.stringify(name)).toBe(true);
    expect(isAllowedWebhookName('dis\u200bcord')).toBe(false);
  });

  it('ordinary names pass, emoji and accents included, up to 80 characters', () => {
    for (const name of ['Joy', 'Joie de vivre ✨', '喜び', 'J', 'x'.repeat(80), '👩‍👩‍👧 family']) expect(isAllowedWebhookName(name), name).toBe(true);
    expect(isAllowedWebhookName('x'.repeat(81))).toBe(false);
  });

  it('counts characters as Discord does (code points): 41 emoji are 41 of the 80, 81 are too many', () => {
    expect(isAllowedWebhookName('🌞'.repeat(41))).toBe(true);
    expect(isAllowedWebhookName('🌞'.repeat(80))).toBe(true);
    expect(isAllowedWebhookName('🌞'.repeat(81))).toBe(false);
    expect(PersonaSchema.shape.name.safeParse('🌞'.repeat(41)).success).toBe(true);
  });

  it('is kept as Discord shows it: trimmed, inner whitespace made one space', () => {
    expect(cleanWebhookName('  Big \u3000  Joy\t')).toBe('Big Joy');
  });

  it("an admin's blank display name is passed over: the persona posts under its own name, not the webhook's", () => {
    const look = PersonaLookSchema.parse({ name: '\u200b' });
    expect(applyPersonaLook(DEFAULT_PERSONAS.joy, look).name).toBe(DEFAULT_PERSONAS.joy.name);
    expect(PersonaLookSchema.parse({ name: '  Sunny   Side ' }).name).toBe('Sunny Side');
  });

  it('a name Discord shows is matched to the one sent without the characters Discord may drop', () => {
    expect(sameWebhookName('Joy', 'J\u200boy')).toBe(true);
    expect(sameWebhookName('Big Joy', ' Big   Joy ')).toBe(true);
    expect(sameWebhookName('Joy', 'Joey')).toBe(false);
    expect(sameWebhookName(undefined, 'Joy')).toBe(false);
  });

  it('two names members would read as one are those Discord shows alike, in any case; a letter more or an accent tells them apart', () => {
    expect(readsAsSameWebhookName('Joy', 'jOY')).toBe(true);
    expect(readsAsSameWebhookName('Big Joy', ' BIG \u200b  joy ')).toBe(true);
    expect(readsAsSameWebhookName('Joy', 'Joey')).toBe(false);
    expect(readsAsSameWebhookName('Joy', 'Jöy')).toBe(false);
    expect(sameWebhookName('Joy', 'jOY')).toBe(false);
  });
});
