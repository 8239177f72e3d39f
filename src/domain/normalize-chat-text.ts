/**
 * Turns Discord chat into text shaped like the classifier's training data (dair-ai/emotion:
 * lower-case, no punctuation). Mirrors training/feelbot_train/normalize.py step for step; the unit
 * test runs training/make_normalizer_fixture.py for Python's outputs and checks parity.
 * Only ASCII survives. Past ASCII, the only Unicode data either side reads is NFKD and the general
 * categories M (combining marks) and Cf (format characters), which agree for every character both
 * languages' tables assign. Where the two regex dialects read a pattern differently (\s, case
 * folding), the patterns here spell out what Python's re reads; Python's $ also matches before a
 * final newline, which changes nothing here, as that newline is whitespace either way.
 */
import { COMMAND_MENTION, CUSTOM_EMOJI, MENTION, TIMESTAMP } from './discord-markup.js';

/** Recorded in the model's config.json as `feelbot_normalizer`; bump when behaviour changes. */
export const NORMALIZER_VERSION = 'feelbot-chat-v5';

// The HTML entities tweets and scraped text carry ("&lt;3" is a heart once decoded). (v3)
const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#39;': "'" };
const ENTITY = /&amp;|&lt;|&gt;|&quot;|&apos;|&#39;/g;
const CODE_BLOCK = /```[\s\S]*?(```|$)/g;
const INLINE_CODE = /`[^`]*`/g;
/**
 * Python's \s for str patterns, which decides in training where a link ends and whether an emoticon
 * counts. JavaScript's \s differs: it also holds U+FEFF and lacks U+001C-U+001F and U+0085 (NEL).
 */
const PYTHON_SPACE = String.raw`\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
// Python's IGNORECASE also reads the long s (U+017F) as the "s" of "https"; JavaScript's i flag does not.
const URL = new RegExp(String.raw`(http[s\u017f]?:\/\/|www\.)[^${PYTHON_SPACE}]+`, 'gi');
// User, role and channel mentions carry no emotion (MENTION). Neither do timestamps or command
// mentions (TIMESTAMP, COMMAND_MENTION; v4). Custom emoji keep their name, which often says the
// feeling (<:pepe_sad:123> -> "pepe sad"); a camel-case name is read as its words, like a
// hashtag's (<:sadCat:123> -> "sad Cat"; v5).
// Handles pasted from other platforms ("@jess_m", Twitter's "@user") name a person, not a feeling;
// an e-mail address's "@" follows a letter and stays. (v3)
const HANDLE = /(?<![A-Za-z0-9_@])@[A-Za-z0-9_]+/g;
// A camel-case hashtag is read as its words ("#GoodVibes" -> "Good Vibes"), which the tokenizer
// knows; run together they are pieces. (v3)
const HASHTAG = /#([A-Za-z0-9_]+)/g;
const CAMEL_BOUNDARY = /([a-z])([A-Z])/g;

const EMOTICON_WORDS: Readonly<Record<string, string>> = {
  '>:(': 'angry', '>:-(': 'angry',
  ":'(": 'crying', ":'-(": 'crying',
  ':-)': 'happy', ':)': 'happy', '=)': 'happy', ':]': 'happy', ';)': 'happy',
  ';-)': 'happy', ':-d': 'happy', ':d': 'happy', xd: 'laughing', ':p': 'playful',
  ':-(': 'sad', ':(': 'sad', '=(': 'sad', ':[': 'sad',
  ':-o': 'surprised', ':o': 'surprised',
  '<3': 'love', '</3': 'heartbroken',
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Longest first so ">:(" wins over ":("; only counts when followed by whitespace or the end ("5:30" stays).
const EMOTICON = new RegExp(
  `(${Object.keys(EMOTICON_WORDS)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|')})(?=[${PYTHON_SPACE}]|$)`,
  'gi',
);

// Common emoji, written as the emotion words dair-ai's keyword labels are built from.
const EMOJI_WORDS: Readonly<Record<string, string>> = {
  happy: '😀😃😄😁😆😊🙂☺😌😎🤗',
  laughing: '😂🤣',
  love: '😍🥰😘😻❤♥💕💖💗💓💞💘💝🫶',
  sad: '😢😞😔☹🙁😿😥😓🥺',
  crying: '😭',
  heartbroken: '💔',
  angry: '😡😠🤬💢👿',
  annoyed: '😒🙄😑',
  frustrated: '😤',
  scared: '😱😨😰😧😟😖',
  surprised: '😮😯😲🤯😳',
  thankful: '🙏',
  excited: '🎉🥳🤩',
  curious: '🤔',
};

const EMOJI_TO_WORD: ReadonlyMap<string, string> = new Map(
  Object.entries(EMOJI_WORDS).flatMap(([word, chars]) => [...chars].map((char) => [char, word] as const)),
);

// Chat slang that dair-ai spells out; keys are whole lower-case words. A Map, so "constructor" is just a word.
const SLANG: ReadonlyMap<string, string> = new Map(Object.entries({
  u: 'you', ur: 'your', r: 'are', ya: 'you', idk: 'i dont know', rn: 'right now',
  tbh: 'to be honest', pls: 'please', plz: 'please', thx: 'thanks', ty: 'thank you',
  omg: 'oh my god', bc: 'because', cuz: 'because', coz: 'because', ppl: 'people',
  smh: 'shaking my head', imo: 'in my opinion', btw: 'by the way', b4: 'before',
  gr8: 'great', luv: 'love', ily: 'i love you', tho: 'though', srsly: 'seriously',
}));

// ‘ and ʼ stand in for an apostrophe too ("can‘t"); before v4 they vanished with the rest of non-ASCII.
const APOSTROPHES = /['’`‘ʼ]/g;
// Combining marks (accents) and invisible format characters (soft hyphen, zero-width space and
// joiner, bidi marks) sit inside words, so they go without leaving a space. (v4)
const INSIDE_WORD = /[\p{M}\p{Cf}]/gu;
const NON_ASCII = /[^\x00-\x7f]/gu;
const NON_ALNUM = /[^a-z0-9?!]+/g;
// "?" and "!" are kept as words of their own: a question is how chat shows curiosity (GoEmotions'
// curiosity maps to surprise) and "!" its intensity. A run of them becomes one mark; "?" wins in "?!".
const MARK_RUN = /[?!]+/g;
// Three or more of one letter ("sooooo") become two, which keeps "good" and "too" intact.
const REPEATED_LETTER = /([a-z])\1{2,}/g;

export function normalizeChatText(text: string): string {
  let out = text
    .replace(ENTITY, (entity) => ENTITIES[entity] ?? entity)
    .replace(CODE_BLOCK, ' ')
    .replace(INLINE_CODE, ' ')
    .replace(URL, ' ')
    .replace(MENTION, ' ')
    .replace(TIMESTAMP, ' ')
    .replace(COMMAND_MENTION, ' ')
    .replace(HANDLE, ' ')
    .replace(HASHTAG, (_match, tag: string) => ` ${tag.replace(CAMEL_BOUNDARY, '$1 $2')} `)
    .replace(CUSTOM_EMOJI, (_match, name: string) => ` ${name.replace(CAMEL_BOUNDARY, '$1 $2').replaceAll('_', ' ')} `)
    .replace(EMOTICON, (face: string) => ` ${EMOTICON_WORDS[face.toLowerCase()] ?? face} `);
  out = [...out].map((char) => {
    const word = EMOJI_TO_WORD.get(char);
    return word === undefined ? char : ` ${word} `;
  }).join('');
  // NFKD splits accents off letters ("café" -> "cafe") and folds wide forms ("ＯＫ" -> "OK").
  out = out
    .normalize('NFKD')
    // Before the non-ASCII step, so that "don’t" stays one word.
    .replace(APOSTROPHES, '')
    // Accents and invisible format characters go; any other non-ASCII character (a dash, an emoji,
    // a CJK letter) parts words.
    .replace(INSIDE_WORD, '')
    .replace(NON_ASCII, ' ')
    .toLowerCase()
    .replace(NON_ALNUM, ' ')
    .replace(MARK_RUN, (run) => (run.includes('?') ? ' ? ' : ' ! '))
    .replace(REPEATED_LETTER, '$1$1');
  return out
    .split(' ')
    .filter((word) => word.length > 0)
    .map((word) => SLANG.get(word) ?? word)
    .join(' ');
}
