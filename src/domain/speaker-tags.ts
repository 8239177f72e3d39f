import { confusableSkeleton } from './confusable-skeleton.js';
import { headChars } from './cut-text.js';

/** Enough for any Discord display name (32) or username (32) with room to spare. */
const MAX_NAME_CHARS = 64;
/** The tag of a speaker whose name shows nothing. */
const NAMELESS = 'someone';

/**
 * Characters that show nothing: format characters and the default ignorable code points, among
 * them the Hangul fillers (U+3164, U+FFA0, U+115F, U+1160), letters by category and Discord's usual
 * "invisible name".
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
/** Within an emoji, all but what its sequences are built with: the zero-width joiner and the text and emoji presentation selectors. */
const INVISIBLE_BUT_EMOJI_JOINERS = /(?![\u200d\ufe0e\ufe0f])[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
/** A grapheme holding an emoji, a keycap's enclosing one included. */
const EMOJI = /\p{Extended_Pictographic}|\u20e3/u;
/** A subdivision flag (England's, Scotland's, Wales's): a black flag, the tag characters of a subdivision code, a cancel tag. */
const SUBDIVISION_FLAG = /^\u{1f3f4}[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]{1,6}\u{e007f}$/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** The colons a model ends a speaker's tag with: ASCII, and in CJK text the full-width (U+FF1A) and small (U+FE55) ones. */
export const TAG_COLONS = ':\uff1a\ufe55';
/** Every kind of blank and line break (JavaScript's \s misses NEL and the file, group and record separators), and the colons that end a tag. */
const BLANKS_AND_COLONS = new RegExp(`[\\s\\u001c-\\u001f\\u0085${TAG_COLONS}]+`, 'gu');
const CONTROLS = /\p{Cc}/gu;

/**
 * A name as a quote shows it, on one line: nothing invisible, blanks collapsed, no colon of
 * TAG_COLONS (one ends the tag) and no angle bracket (next to `<<<` one would lengthen or fake the marker).
 */
export function cleanName(name: string): string {
  const shown = withoutInvisibles(name)
    .replace(BLANKS_AND_COLONS, ' ')
    .replace(CONTROLS, '')
    .replace(/[<>]/g, (c) => (c === '<' ? '‹' : '›'))
    .trim();
  return headChars(shown, MAX_NAME_CHARS).trim() || NAMELESS;
}

/**
 * A name without the characters that show nothing, graphemes by grapheme: those an emoji is built
 * with stay within it, and tag characters only within a subdivision flag, so none carry hidden
 * text. Names are short (Discord's at most 80 characters), so the graphemes are cheap to spread.
 */
function withoutInvisibles(name: string): string {
  return Array.from(graphemes.segment(name), ({ segment }) =>
    SUBDIVISION_FLAG.test(segment) ? segment : segment.replace(EMOJI.test(segment) ? INVISIBLE_BUT_EMOJI_JOINERS : INVISIBLE, ''),
  ).join('');
}

/**
 * What a name reads as, to tell apart names a model would take for one: letters and digits only,
 * without case, accents, full-width forms, "fancy font" alphabets, characters that show nothing or
 * look-alike letters of other scripts ("JOY", "J.o.y", "Ｊｏｙ", "ᴊᴏʏ", "Jóy" and "Jоy" with a
 * Cyrillic "о" all read as "joy"). A name with no letter or digit reads as its confusable skeleton.
 */
export function sameNameKey(name: string): string {
  return lettersOf(name) || confusableSkeleton(name);
}

function lettersOf(name: string): string {
  return confusableSkeleton(name).normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\p{L}\p{N}]/gu, '');
}

/** What ends every character's tag, and so no member's. */
export const CHARACTER_MARKER = 'character';
/** Blanks and punctuation left before a removed marker ("Bob (" of "Bob (character)"). */
const TRAILING_PUNCTUATION = /[\p{P}\p{Z}\s]+$/u;

/** Another of the characters, as a quote tags it: the name it posted under, marked as a character's. */
export function characterTag(postedAs: string): string {
  return `${cleanName(postedAs)} (${CHARACTER_MARKER})`;
}

/** A shown name that reads as a character's tag: it ends in the marker, as sameNameKey reads names. */
function endsInCharacterMarker(shown: string): boolean {
  return sameNameKey(shown).endsWith(CHARACTER_MARKER);
}

/**
 * A shown name without the character marker it ends in, where the marker stands apart ("Bob
 * (character)" is "Bob"); a name the marker is part of ("Mischaracter") or all of stays whole.
 */
function withoutCharacterMarker(shown: string): string {
  const chars = [...shown];
  for (let start = chars.length - 1; start > 0; start--) {
    if (lettersOf(chars.slice(start).join('')) !== CHARACTER_MARKER) continue;
    if (lettersOf(chars[start - 1]!) !== '') return shown;
    return chars.slice(0, start).join('').replace(TRAILING_PUNCTUATION, '') || shown;
  }
  return shown;
}

/** A human speaker: the name they showed, and who they are, where known (jobs queued by an older gateway carry no ids). */
export interface Speaker {
  readonly name: string;
  readonly id?: string | undefined;
}

/**
 * The tag of each human speaker: the name as cleanName shows it, unless it reads as one of
 * `characterNames` or as another speaker's tag, or ends in the character marker; then the first
 * free of "Name (member)", "Name (member 2)", and so on, Name without that marker. Speakers of
 * one name as given but of different ids are different people: the first (`author`, when among
 * them) keeps the name, the others take "Name (member 2)" on. A speaker without id is the first
 * of their name. Free names are tagged first, so no suffixed tag takes a speaker's own name.
 */
export function speakerTags(speakers: readonly Speaker[], characterNames: readonly string[], author?: Speaker): (speaker: Speaker) => string {
  const idsByName = namesakeIds(author ? [author, ...speakers] : speakers);
  const taken = new Set(characterNames.map((name) => sameNameKey(cleanName(name))));
  const tags = new Map<string, string>();
  const colliding: Array<{ readonly key: string; readonly name: string; readonly first: number }> = [];
  for (const speaker of speakers) {
    const nth = nthOfName(speaker, idsByName);
    const key = speakerKey(speaker.name, nth);
    if (tags.has(key) || colliding.some((entry) => entry.key === key)) continue;
    const name = cleanName(speaker.name);
    // A name ending in the marker would read as a character's tag, present in the context or not.
    if (endsInCharacterMarker(name)) colliding.push({ key, name: withoutCharacterMarker(name), first: nth > 0 ? 2 : 1 });
    else if (nth > 0 || taken.has(sameNameKey(name))) colliding.push({ key, name, first: nth > 0 ? 2 : 1 });
    else {
      taken.add(sameNameKey(name));
      tags.set(key, name);
    }
  }
  for (const { key, name, first } of colliding) {
    let n = first;
    while (taken.has(sameNameKey(memberTag(name, n)))) n++;
    taken.add(sameNameKey(memberTag(name, n)));
    tags.set(key, memberTag(name, n));
  }
  // A speaker not given above has no tag to keep apart: shown as named, unless as a character.
  return (speaker) => tags.get(speakerKey(speaker.name, nthOfName(speaker, idsByName))) ?? untakenTag(cleanName(speaker.name));
}

function untakenTag(name: string): string {
  return endsInCharacterMarker(name) ? memberTag(withoutCharacterMarker(name), 1) : name;
}

function memberTag(name: string, n: number): string {
  return n === 1 ? `${name} (member)` : `${name} (member ${n})`;
}

/** Each name as given, with the ids of the speakers who showed it, in order of appearance. */
function namesakeIds(speakers: readonly Speaker[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const { name, id } of speakers) {
    const known = ids.get(name) ?? [];
    if (id !== undefined && !known.includes(id)) known.push(id);
    ids.set(name, known);
  }
  return ids;
}

/** Which of the people showing their name as given a speaker is, from 0; a speaker without id (or not given) is the first. */
function nthOfName({ name, id }: Speaker, idsByName: ReadonlyMap<string, readonly string[]>): number {
  return id === undefined ? 0 : Math.max(0, idsByName.get(name)?.indexOf(id) ?? 0);
}

/** One key per person: their name as given, and which of its namesakes they are. */
function speakerKey(name: string, nth: number): string {
  return JSON.stringify([name, nth]);
}
