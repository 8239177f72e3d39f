import { closeOpenMarkdown, CLOSERS_MAX_LENGTH, dropBlockMarkdown, dropInlineMarkers, endsInCodeBlock } from './chat-markdown.js';
import { headCharacters } from './cut-text.js';
import { characterCount } from './message-limits.js';
import { neutralizeLinks } from './neutralize-links.js';
import { cutAtOtherSpeaker, ownNamesAmong } from './other-speaker-lines.js';
import { DISCORD_MESSAGE_LIMIT } from './persona.js';
import { CHARACTER_MARKER, cleanName, TAG_COLONS } from './speaker-tags.js';

/** A cut shorter than this fraction of the limit would drop too much; cut at a word instead. */
const MIN_SENTENCE_CUT_RATIO = 0.5;
const ZERO_WIDTH_SPACE = '\u200b';

/** A colon that ends a speaker's tag ("Joy:", "Joy："). */
const TAG_COLON = `[${TAG_COLONS}]`;
/** The end of a line the name is alone on: blanks, then a line break or the end of the text. */
const LINE_END = String.raw`[^\S\r\n\u2028\u2029]*(?=[\r\n\u2028\u2029]|$)`;
/** The prompt's quote markers (build-prompt's `<<<Name: text>>>`): a run of three or more reads as one. */
const MARKER_RUN = /<{3,}|>{3,}/g;
/** Anything a reader sees, once markdown markers are gone: not a format character (zero-width, BOM), a separator or whitespace. */
const VISIBLE = /[^\p{Cf}\p{Z}\s]/u;

/** Closing quotes, brackets and markdown that belong to the sentence they follow. */
const CLOSERS = String.raw`["'”’»)\]」』*_~]*`;
/** Emoji (with their joiners, skin tones, keycaps, flag tags) and Discord's custom `<:name:id>` ones. */
const EMOJI = String.raw`(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|[\u200d\ufe0f\u20e3\u{e0020}-\u{e007f}]|<a?:\w+:\d+>)`;
/**
 * Marks that only ever end a sentence: CJK's, the Devanagari danda (।, ॥), the Arabic question mark
 * and full stop (؟, ۔ in Urdu), the Armenian, Ethiopic and Myanmar full stops (։, ።, ။).
 */
const SCRIPT_SENTENCE_ENDS = '。！？।॥؟۔։።။';
/**
 * A sentence's end with its closers and an emoji run. Latin punctuation ends one only before
 * whitespace or the end of the text, so "5.5", "e.g" and a link's "art.example" are no ends (a link
 * holds no whitespace, and Discord leaves a trailing period out of it); the marks of
 * SCRIPT_SENTENCE_ENDS are in no number or abbreviation, so need no space (Chinese and Burmese put none).
 */
const SENTENCE_END = new RegExp(
  String.raw`[.!?…]+${CLOSERS}(?:[ \t]*${EMOJI})*(?=\s|$)|[${SCRIPT_SENTENCE_ENDS}]+${CLOSERS}(?:[ \t]*${EMOJI})*`,
  'gu',
);
/** Abbreviations whose period seldom ends a sentence ("Dr. Lee"). */
const ABBREVIATION = /(?:^|[^\p{L}.])(?:mr|mrs|ms|dr|prof|st|vs|e\.g|i\.e)$/iu;

export interface CleanReplyOptions {
  readonly personaName: string;
  /**
   * The name the persona posts under here (a server's look may rename it): its own as personaName
   * is, so a reply opening with it has it dropped as a prefix, and a line opening with it is never
   * another speaker's. Defaults to personaName.
   */
  readonly postsAs?: string | undefined;
  readonly maxChars: number;
  /** True when generation stopped at its token limit, so the last sentence may be unfinished. */
  readonly truncated?: boolean;
  /**
   * True when generation stopped at another speaker's line or a transcript marker
   * (GenerationResult.stoppedAtStopTrigger), maybe inside code: treated as the cut at another
   * speaker's line, so what it left open is closed, the words kept whole. Defaults to false.
   */
  readonly stoppedAtStopTrigger?: boolean | undefined;
  /**
   * The text of the message(s) being answered: a URL or invite the reply repeats from it stays,
   * any other is removed. Defaults to '' (the reply keeps no link).
   */
  readonly answering?: string;
  /**
   * The prompt's speakers (Prompt.speakers): from a line opening with one's name and a colon the
   * model writes someone else's turn, and a reply opening so, past the persona's own names, is none.
   * The persona's own names (personaName, postsAs) are never taken for one. Defaults to none (only
   * the quote markers tell another speaker's line).
   */
  readonly speakers?: readonly string[] | undefined;
}

/**
 * Makes a model's raw text safe and tidy to post: no mass or role pings, no user pings, no masked
 * links, no URL or invite the person did not write, no "Joy:" prefix, no line written as another
 * speaker (in the prompt's quote format, or opening with a speaker's name), no heading or quote
 * (chat-markdown), no half sentence and no code fence or spoiler left open at the cut, and within
 * Discord's 2,000 characters.
 * Returns '' when nothing visible is left.
 */
export function cleanReply(raw: string, options: CleanReplyOptions): string {
  // A name another character goes by (a server's look may give the persona one) is that character's.
  const ownNames = ownNamesAmong([...new Set([options.personaName, options.postsAs ?? options.personaName])], options.speakers ?? []);
  let text = stripSpecialTokens(raw).trim();
  text = speakOnlyAsPersona(text, ownNames).trim();
  // Before and after the prefix: "# Joy: Hi" hides the prefix, "Joy: # Hi" the heading.
  text = dropBlockMarkdown(stripNamePrefix(dropBlockMarkdown(text), ownNames));
  // After the block markers are gone, so that "> Bob: …" or "# Bob: …" reads as Bob's line.
  const own = cutAtOtherSpeaker(text, ownNames, options.speakers ?? []);
  text = own.text;
  // After the quotes are gone, so that a `>>> ` quote loses its marker rather than showing it defused.
  text = defuseMarkerRuns(text);
  text = neutralizeLinks(text, options.answering ?? '');
  text = defuseMentions(text);
  text = text.replace(/\n{3,}/g, '\n\n').trim();
  // The model ended the persona's words where it went on as someone else, here or at a stop
  // trigger during generation: no token limit cut them.
  const ending = own.cut || options.stoppedAtStopTrigger ? 'speaker' : options.truncated ? 'tokens' : 'model';
  text = fitLimit(text, Math.min(options.maxChars, DISCORD_MESSAGE_LIMIT), ending);
  // Markup alone ("****", "|| ||") posts as bare symbols: no reply, so that generation is retried.
  return VISIBLE.test(dropInlineMarkers(text)) ? text : '';
}

/**
 * What ended the text before `limit`: the model itself, its token limit (or deadline), mid-sentence
 * maybe, or another speaker's line the model went on with, where the persona's words end whole.
 */
type Ending = 'model' | 'tokens' | 'speaker';

/**
 * Cut to `limit` characters (code points, as Discord counts them), or to its last full sentence
 * where the token limit ended it. Where a cut, the token limit or another speaker's line ended the
 * text, a code fence, inline code or spoiler it left open is closed; a text the model ended itself
 * within the limit stays as written ("tea || coffee" is no spoiler). Before another speaker's line
 * the persona's words are whole: no word is dropped and no "…" added.
 */
function fitLimit(text: string, limit: number, ending: Ending): string {
  const length = characterCount(text);
  if (length <= limit && ending === 'model') return text;
  const whole = ending === 'tokens' ? dropUnfinishedSentence(text) : text;
  const ended = (within: number) => (length > within ? cutAtSentence(text, within) : whole).trim();
  const closed = closeOpenMarkdown(ended(limit));
  // The closers pushed it over: cut again with room for any of them.
  return characterCount(closed) <= limit ? closed : closeOpenMarkdown(ended(limit - CLOSERS_MAX_LENGTH));
}

function stripSpecialTokens(text: string): string {
  return text
    .replace(/<\/?(?:start_of_turn|end_of_turn|\|im_start\||\|im_end\||s|eos|bos)>/gi, '')
    // Control characters and U+FFFD (bytes a model split mid-character) render as junk in Discord.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/g, '');
}

/**
 * Small models copy the prompt's `<<<Name: text>>>` transcript: the persona's own words wrapped
 * in it (under one of its names or their character tags) are unwrapped, and from any other marker
 * on the text is a line made up for someone else.
 */
function speakOnlyAsPersona(text: string, names: readonly string[]): string {
  const ownQuote = new RegExp(`^<<<\\s*${ownName(names)}\\s*${TAG_COLON}\\s*`, 'i');
  let reply = text;
  // Its closing marker may be missing: generation stops at one.
  if (ownQuote.test(reply)) reply = reply.replace(ownQuote, '').replace(/>{3,}/, '');
  const otherQuote = reply.indexOf('<<<');
  return otherQuote >= 0 ? reply.slice(0, otherQuote) : reply;
}

/** A marker run left in the text reads as the transcript's; it is shown with look-alike quotes. */
function defuseMarkerRuns(text: string): string {
  return text.replace(MARKER_RUN, (run) => run.replace(/</g, '‹').replace(/>/g, '›'));
}

/**
 * "Joy:", "Joy：", "**Joy:**", "Joy - ", "Joy says:" or "Joy (character):", under any of its names,
 * or an opening line that is only one of them ("Joy (character)" over the reply); never "Joy-filled",
 * "Joy says a lot" or "Joy is contagious!".
 */
function stripNamePrefix(text: string, names: readonly string[]): string {
  const prefix = new RegExp(
    `^[*_]{0,2}${ownName(names)}[*_]{0,2}(?:\\s*${TAG_COLON}|\\s+[-–—](?=\\s|$)|\\s+says${TAG_COLON}|${LINE_END})[*_]{0,2}\\s*`,
    'i',
  );
  let previous;
  do {
    previous = text;
    text = text.replace(prefix, '').trimStart();
  } while (text !== previous);
  return text;
}

/**
 * Any of the persona's names as the model may write it (the regex flags ignore case): as given or
 * as a quote shows it (cleanName), blanks as any run of blanks, and with or without the marker
 * build-prompt tags the characters with (characterTag), since the persona is one of them.
 */
function ownName(names: readonly string[]): string {
  const spelled = [...new Set(names.flatMap((name) => [name, cleanName(name)]))].map((spelling) => spelling.trim().split(/\s+/).map(escapeRegExp).join('\\s+'));
  return `(?:${spelled.join('|')})(?:\\s*\\(\\s*${escapeRegExp(CHARACTER_MARKER)}\\s*\\))?`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** allowed_mentions is the real guard; this keeps the text itself from showing pings. */
function defuseMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`)
    .replace(/<@&\d+>/g, '@role')
    .replace(/<@!?\d+>/g, '@someone');
}

/** At most `limit` characters of `text`: up to its last sentence end, or its last whole word and "…". */
function cutAtSentence(text: string, limit: number): string {
  const window = headCharacters(text, limit);
  // Read in the whole text: whether a period ends a sentence depends on what follows the window.
  // Indexes are UTF-16 positions in the window; lengths compared with `limit` are characters.
  const end = lastSentenceEnd(text, window.length);
  if (end >= 0 && characterCount(window.slice(0, end)) >= limit * MIN_SENTENCE_CUT_RATIO) return window.slice(0, end);
  // Before a space in the window, at most limit - 1 characters: room for the "…".
  const space = window.lastIndexOf(' ');
  return `${(space > 0 ? window.slice(0, space) : headCharacters(window, limit - 1)).trimEnd()}…`;
}

/**
 * The token limit or deadline may have stopped the text mid-word: without a sentence end, its last
 * word goes. Code stays as it is: the fence closeOpenMarkdown adds shows it was cut.
 */
function dropUnfinishedSentence(text: string): string {
  const end = lastSentenceEnd(text);
  if (end > 0) return text.slice(0, end);
  if (endsInCodeBlock(text)) return text;
  const lastBlank = text.search(/\s\S*$/);
  // One word and no blank: it is all there is, and the ellipsis says it was cut.
  return `${(lastBlank > 0 ? text.slice(0, lastBlank) : text).trimEnd()}…`;
}

/** Index just past the last sentence end (with its closers and emoji run) that ends by `within`; -1 when none. */
function lastSentenceEnd(text: string, within = text.length): number {
  let end = -1;
  for (const match of text.matchAll(SENTENCE_END)) {
    const after = match.index + match[0].length;
    if (after > within) break;
    if (match[0].startsWith('.') && !match[0].startsWith('..') && ABBREVIATION.test(text.slice(0, match.index))) continue;
    end = after;
  }
  return end;
}
