/**
 * The markdown a persona's chat line may carry. Inline emphasis (`*`, `**`, `_`, `~~`), inline code
 * and spoilers read as chat; block markdown (a heading, subtext, a quote) would post a line as a
 * giant title or a quote under the persona's name, so it is dropped, keeping the text.
 */

/** Opens and closes a fenced code block. */
const FENCE = '```';
/**
 * A fenced block (kept: inside it `# ` is code, not a heading), or the block markers starting a
 * line: headings `#` to `###`, subtext `-#`, quotes `>` and `>>>`, each with its blanks, and nested
 * ones (`> # Hi`) all at once. `#### ` and a marker without a blank after it (`#1`, `>_<`) are text to Discord.
 */
const FENCED_OR_BLOCK_MARKERS = /```[\s\S]*?(?:```|$)|(?<![^\n])[ \t]*(?:(?:#{1,3}|-#|>{1,3})[ \t]+)+/g;
/** Inline code: a run of backticks up to the same run, as Discord pairs them; spoiler bars inside are code. */
const INLINE_CODE = /(`+)[\s\S]*?[^`]\1(?!`)/g;
/** Inline code as INLINE_CODE pairs it, or a backtick run nothing closes (group 2): code a cut left open. */
const CLOSED_OR_OPEN_INLINE_CODE = /(`+)[\s\S]*?[^`]\1(?!`)|(`+)/g;
const SPOILER_BARS = /\|\|/g;
/** Inline markdown's markers: emphasis, underline, strikethrough, spoiler bars and code. */
const INLINE_MARKERS = /[*_~|`]/g;
/** What may follow an opening fence before its code: a language name and blanks. */
const EMPTY_CODE = /^[\w+#.-]*\s*$/;
/** What inline code holds before any code: blanks at most. */
const EMPTY_INLINE_CODE = /^\s*$/;
/**
 * A sentence's end followed by the start of another (a capital after blanks, any opening quote
 * before it): text no inline code holds, so a backtick run before it opened none.
 */
const SENTENCE_THEN_MORE = /[.!?…]+["'”’»)\]]*\s+["'“‘«(]*\p{Lu}/u;

/**
 * The longest closing `closeOpenMarkdown` appends: a fence on its own line, or an inline code span's
 * backticks (a run of three is a fence), then a spoiler's bars.
 */
export const CLOSERS_MAX_LENGTH = Math.max(`\n${FENCE}`.length, '``'.length) + '||'.length;

/** `text` with the block markers at the start of its lines removed, outside fenced code. */
export function dropBlockMarkdown(text: string): string {
  return text.replace(FENCED_OR_BLOCK_MARKERS, (match) => (match.startsWith(FENCE) ? match : ''));
}

/** `text` without its inline markers: what a reader sees of it, whether or not the markers pair up. */
export function dropInlineMarkers(text: string): string {
  return text.replace(INLINE_MARKERS, '');
}

/** True when `text` ends inside a fenced code block it opened. */
export function endsInCodeBlock(text: string): boolean {
  return (text.split(FENCE).length - 1) % 2 === 1;
}

/**
 * Closes a code fence, inline code or a spoiler left open, as a cut at a sentence end leaves them.
 * Unclosed, Discord shows the backticks or bars as text: the code reads as chat (its `# ` lines as
 * headings, its `||` as a spoiler's bars) and the spoiler's text shows. Closing keeps what the model
 * wrote as code or hidden, where removing the marker would reveal the spoiler. Adds at most
 * CLOSERS_MAX_LENGTH characters.
 */
export function closeOpenMarkdown(text: string): string {
  const lastFence = text.lastIndexOf(FENCE);
  const fenceOpen = endsInCodeBlock(text);
  // A fence with no code after it yet would close on an empty block, which Discord shows as backticks.
  if (fenceOpen && EMPTY_CODE.test(text.slice(lastFence + FENCE.length))) return closeOpenMarkdown(text.slice(0, lastFence).trimEnd());
  const code = fenceOpen ? undefined : openInlineCode(text, lastFence === -1 ? 0 : lastFence + FENCE.length);
  // The ellipsis a cut at a word adds says the reply goes on, not the code: "`if (ready`…".
  const ellipsis = code && text.endsWith('…') ? '…' : '';
  const body = text.slice(0, text.length - ellipsis.length);
  // Inline code with nothing in it yet would close on an empty span, which Discord shows as backticks.
  if (code && EMPTY_INLINE_CODE.test(body.slice(code.index + code.run.length))) return closeOpenMarkdown(`${body.slice(0, code.index).trimEnd()}${ellipsis}`);
  // A spoiler opened inside open code is code; one opened before it wraps it, so the code closes first.
  const prose = text
    .slice(0, fenceOpen ? lastFence : (code?.index ?? text.length))
    .split(FENCE)
    .filter((_part, index) => index % 2 === 0)
    .join('\n')
    .replace(INLINE_CODE, '');
  const spoiler = (prose.match(SPOILER_BARS) ?? []).length % 2 === 1 ? '||' : '';
  if (fenceOpen) return `${text}${text.endsWith('\n') ? '' : '\n'}${FENCE}${spoiler}`;
  return `${body}${code?.run ?? ''}${ellipsis}${spoiler}`;
}

/**
 * The backtick run opening inline code that `text` leaves open, looked for in its prose from `from`
 * on. A run nothing closes opens code only where code looks started: a lone backtick between blanks
 * names the key ("the ` key"), and one whose code would hold a finished sentence and another after
 * it ("the ` key is stuck? That…") is prose; either stays as text.
 */
function openInlineCode(text: string, from: number): { index: number; run: string } | undefined {
  for (const match of text.slice(from).matchAll(CLOSED_OR_OPEN_INLINE_CODE)) {
    const run = match[2];
    if (run === undefined) continue;
    const index = from + match.index;
    if (!isLoneBacktick(text, index, run) && !SENTENCE_THEN_MORE.test(text.slice(index + run.length))) return { index, run };
  }
  return undefined;
}

/** A single backtick with a blank (or the text's start) before it and a blank after it. */
function isLoneBacktick(text: string, index: number, run: string): boolean {
  return run.length === 1 && (index === 0 || /\s/u.test(text[index - 1]!)) && /^\s/u.test(text.slice(index + 1));
}
