import { describe, expect, it } from 'vitest';
import { applyPersonaLook } from '../../src/domain/apply-persona-look.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { PersonaLookSchema } from '../../src/domain/guild-settings.js';
import { PersonaSchema } from '../../src/domain/persona.js';
import { personaNameClash } from '../../src/domain/persona-name-clash.js';
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

  it('"everyone" and "here" are refused as whole names, in any case and around blanks or invisible characters, as Discord refuses them; names holding them pass', () => {
    for (const name of ['here', 'Everyone', ' HERE ', 'he\u200bre', 'everyone\u200b']) expect(isAllowedWebhookName(name), JSON.stringify(name)).toBe(false);
    for (const name of ['Here and now', 'Everyone\'s Joy', 'there', 'every one']) expect(isAllowedWebhookName(name), JSON.stringify(name)).toBe(true);
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

  it('two names members would read as one are also those spelt in full-width letters or in look-alike letters of another script', () => {
    expect(readsAsSameWebhookName('Joy', '\uFF2A\uFF4F\uFF59')).toBe(true); // full width
    expect(readsAsSameWebhookName('Joy', 'J\u043Ey')).toBe(true); // Cyrillic small o
    expect(readsAsSameWebhookName('Joy', 'J\u03BFY')).toBe(true); // Greek small omicron
    expect(readsAsSameWebhookName('Anger', '\u0410NG\u0415R')).toBe(true); // Cyrillic capital A and Ie
    expect(readsAsSameWebhookName('Jöy', 'J\u04E7y')).toBe(true); // Cyrillic o with diaeresis
    expect(readsAsSameWebhookName('Joy', 'J\u04E7y')).toBe(false);
    expect(sameWebhookName('Joy', 'J\u043Ey')).toBe(false);
  });

  it('two names members would read as one are also those with a Hangul filler, which Discord keeps and shows as nothing', () => {
    for (const filler of ['\u3164', '\uFFA0', '\u115F', '\u1160']) {
      expect(readsAsSameWebhookName('Joy', `Joy${filler}`), JSON.stringify(filler)).toBe(true);
      expect(readsAsSameWebhookName('Joy', `${filler} J${filler}oy `), JSON.stringify(filler)).toBe(true);
      expect(readsAsSameWebhookName('Big Joy', `Big ${filler} Joy`), JSON.stringify(filler)).toBe(true);
    }
    expect(readsAsSameWebhookName('Joy', 'Joy\uFE0F\u034F')).toBe(true); // a variation selector and a grapheme joiner
  });

  it('two names members would read as one are also those spelt in a "fancy text" alphabet', () => {
    expect(readsAsSameWebhookName('Joy', '\u1D0A\u1D0F\u028F')).toBe(true); // small capitals
    expect(readsAsSameWebhookName('Anger', '\u1D00\u0274\u0262\u1D07\u0280')).toBe(true);
    expect(readsAsSameWebhookName('Joy', '\u{1D409}\u{1D428}\u{1D432}')).toBe(true); // mathematical bold
    expect(readsAsSameWebhookName('Joy', '\u24BF\u24DE\u24E8')).toBe(true); // circled
    expect(readsAsSameWebhookName('Joy', '\u{1F179}\u{1F17E}\u{1F188}')).toBe(true); // negative squared
    expect(readsAsSameWebhookName('Joy', '\u{1F1EF}\u{1F1F4}\u{1F1FE}')).toBe(true); // regional indicators
    expect(readsAsSameWebhookName('Joy', '\u1D0A\u1D0F\u1D07\u028F')).toBe(false); // small capitals of another name
  });
});

describe("a server's look may not take another persona's name, spelt so members read it the same", () => {
  for (const lookalike of ['\uFF2A\uFF4F\uFF59' /* full width */, 'J\u043Ey' /* Cyrillic small o */, 'J0Y' /* digit zero */, 'Joy\u3164' /* Hangul filler */, '\u1D0A\u1D0F\u028F' /* small capitals */]) {
    it(`Anger may not be named ${JSON.stringify(lookalike)}, which reads as Joy`, () => {
      expect(personaNameClash('anger', lookalike, DEFAULT_PERSONAS, {})).toMatchObject({ emotion: 'joy', name: 'Joy' });
    });
  }

  it('a persona may take back its own name in look-alike letters, and a name of its own is no clash', () => {
    expect(personaNameClash('joy', 'J\u043Ey', DEFAULT_PERSONAS, {})).toBeUndefined();
    expect(personaNameClash('anger', 'Blaze', DEFAULT_PERSONAS, {})).toBeUndefined();
  });
});
