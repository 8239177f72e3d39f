import { headChars } from './cut-text.js';

/** Enough for any Discord display name (32) or username (32) with room to spare. */
const MAX_NAME_CHARS = 64;
/** The tag of a speaker whose name shows nothing. */
const NAMELESS = 'someone';

/** Format characters show nothing; the zero-width joiner and tag characters are kept, since emoji sequences are built with them. */
const INVISIBLE = /(?![\u200d\u{e0020}-\u{e007f}])\p{Cf}/gu;
/** Every kind of blank and line break (JavaScript's \s misses NEL and the file, group and record separators), and the colon that ends a tag. */
const BLANKS_AND_COLONS = /[\s\u001c-\u001f\u0085:]+/gu;
const CONTROLS = /\p{Cc}/gu;

/**
 * A name as a quote shows it, on one line: nothing invisible, blanks collapsed, no colon (it ends
 * the tag) and no angle bracket (next to `<<<` one would lengthen or fake the marker).
 */
export function cleanName(name: string): string {
  const shown = name
    .replace(INVISIBLE, '')
    .replace(BLANKS_AND_COLONS, ' ')
    .replace(CONTROLS, '')
    .replace(/[<>]/g, (c) => (c === '<' ? '‹' : '›'))
    .trim();
  return headChars(shown, MAX_NAME_CHARS).trim() || NAMELESS;
}

/**
 * What a name reads as, to tell apart names a model would take for one: letters and digits only,
 * without case, accents or full-width forms ("JOY", "J.o.y", "Ｊｏｙ" and "Jóy" all read as "joy").
 */
function sameNameKey(name: string): string {
  const letters = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  return letters || name.toLowerCase();
}

/**
 * The tag of each human speaker, told apart by their name as given: the name as cleanName shows
 * it, unless it reads as one of `characterNames` or as another speaker's tag; then the first free
 * of "Name (member)", "Name (member 2)", and so on. Free names are tagged first, so no suffixed
 * tag takes a speaker's own name.
 */
export function speakerTags(speakers: readonly string[], characterNames: readonly string[]): (speaker: string) => string {
  const taken = new Set(characterNames.map((name) => sameNameKey(cleanName(name))));
  const tags = new Map<string, string>();
  const colliding: string[] = [];
  for (const speaker of new Set(speakers)) {
    const name = cleanName(speaker);
    const key = sameNameKey(name);
    if (taken.has(key)) colliding.push(speaker);
    else {
      taken.add(key);
      tags.set(speaker, name);
    }
  }
  for (const speaker of colliding) {
    const name = cleanName(speaker);
    let tag = `${name} (member)`;
    for (let n = 2; taken.has(sameNameKey(tag)); n++) tag = `${name} (member ${n})`;
    taken.add(sameNameKey(tag));
    tags.set(speaker, tag);
  }
  // A speaker not given above has no tag to keep apart: shown as named.
  return (speaker) => tags.get(speaker) ?? cleanName(speaker);
}
