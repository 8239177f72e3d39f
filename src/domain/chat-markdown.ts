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
const SPOILER_BARS = /\|\|/g;
/** Inline markdown's markers: emphasis, underline, strikethrough, spoiler bars and code. */
const INLINE_MARKERS = /[*_~|`]/g;
/** What may follow an opening fence before its code: a language name and blanks. */
const EMPTY_CODE = /^[\w+#.-]*\s*$/;

/** The longest closing `closeOpenMarkdown` appends: a fence on its own line and a spoiler's bars. */
export const CLOSERS_MAX_LENGTH = `\n${FENCE}||`.length;

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
 * Closes a code fence or a spoiler left open, as a cut at a sentence end leaves them. Unclosed,
 * Discord shows the backticks or bars as text: the code reads as chat (its `# ` lines as headings)
 * and the spoiler's text shows. Closing keeps what the model wrote as code or hidden, where
 * removing the marker would reveal the spoiler. Adds at most CLOSERS_MAX_LENGTH characters.
 */
export function closeOpenMarkdown(text: string): string {
  const lastFence = text.lastIndexOf(FENCE);
  const fenceOpen = endsInCodeBlock(text);
  // A fence with no code after it yet would close on an empty block, which Discord shows as backticks.
  if (fenceOpen && EMPTY_CODE.test(text.slice(lastFence + FENCE.length))) return closeOpenMarkdown(text.slice(0, lastFence).trimEnd());
  // A spoiler opened inside the open fence is code; one opened before it wraps it, so the fence closes first.
  const prose = (fenceOpen ? text.slice(0, lastFence) : text)
    .split(FENCE)
    .filter((_part, index) => index % 2 === 0)
    .join('\n')
    .replace(INLINE_CODE, '');
  const spoilerOpen = (prose.match(SPOILER_BARS) ?? []).length % 2 === 1;
  return `${text}${fenceOpen ? `${text.endsWith('\n') ? '' : '\n'}${FENCE}` : ''}${spoilerOpen ? '||' : ''}`;
}
