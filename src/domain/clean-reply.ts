import { headChars } from './cut-text.js';
import { neutralizeLinks } from './neutralize-links.js';
import { DISCORD_MESSAGE_LIMIT } from './persona.js';

/** A cut shorter than this fraction of the limit would drop too much; cut at a word instead. */
const MIN_SENTENCE_CUT_RATIO = 0.5;
const ZERO_WIDTH_SPACE = '\u200b';

export interface CleanReplyOptions {
  readonly personaName: string;
  readonly maxChars: number;
  /** True when generation stopped at its token limit, so the last sentence may be unfinished. */
  readonly truncated?: boolean;
  /**
   * The text of the message(s) being answered: a URL or invite the reply repeats from it stays,
   * any other is removed. Defaults to '' (the reply keeps no link).
   */
  readonly answering?: string;
}

/**
 * Makes a model's raw text safe and tidy to post: no mass or role pings, no user pings, no masked
 * links, no URL or invite the person did not write, no "Joy:" prefix, no half sentence at the
 * cut, and within Discord's 2,000 characters.
 * Returns '' when nothing usable is left.
 */
export function cleanReply(raw: string, options: CleanReplyOptions): string {
  let text = stripSpecialTokens(raw).trim();
  text = stripNamePrefix(text, options.personaName);
  text = neutralizeLinks(text, options.answering ?? '');
  text = defuseMentions(text);
  text = text.replace(/\n{3,}/g, '\n\n').trim();
  const limit = Math.min(options.maxChars, DISCORD_MESSAGE_LIMIT);
  if (text.length > limit) text = cutAtSentence(text, limit);
  else if (options.truncated) text = dropUnfinishedSentence(text);
  return text.trim();
}

function stripSpecialTokens(text: string): string {
  return text
    .replace(/<\/?(?:start_of_turn|end_of_turn|\|im_start\||\|im_end\||s|eos|bos)>/gi, '')
    // Control characters and U+FFFD (bytes a model split mid-character) render as junk in Discord.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/g, '');
}

function stripNamePrefix(text: string, name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const prefix = new RegExp(`^[*_]{0,2}${escaped}[*_]{0,2}\\s*(?:[:\\-–—]|says:?)[*_]{0,2}\\s*`, 'i');
  let previous;
  do {
    previous = text;
    text = text.replace(prefix, '').trimStart();
  } while (text !== previous);
  return text;
}

/** allowed_mentions is the real guard; this keeps the text itself from showing pings. */
function defuseMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`)
    .replace(/<@&\d+>/g, '@role')
    .replace(/<@!?\d+>/g, '@someone');
}

function cutAtSentence(text: string, limit: number): string {
  const window = headChars(text, limit);
  const end = lastSentenceEnd(window);
  if (end >= limit * MIN_SENTENCE_CUT_RATIO) return window.slice(0, end);
  const space = window.lastIndexOf(' ', limit - 1);
  return `${(space > 0 ? window.slice(0, space) : headChars(window, limit - 1)).trimEnd()}…`;
}

function dropUnfinishedSentence(text: string): string {
  const end = lastSentenceEnd(text);
  return end > 0 ? text.slice(0, end) : text;
}

/** Index just past the last sentence-ending punctuation (with any closing quote or emoji run). */
function lastSentenceEnd(text: string): number {
  const pattern = /[.!?…。！？]+["'”’)\]]*/g;
  let end = -1;
  for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
  return end;
}
