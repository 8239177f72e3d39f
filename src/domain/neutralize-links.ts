/**
 * A masked link: `[text](url)`, `[text](<url>)` or `[text](url "title")`. The text may hold one
 * level of brackets, and a lone `]` before its closing one, as Discord's markdown allows; the URL
 * may hold one level of parentheses (Wikipedia-style paths).
 */
const MASKED_LINK = /\[((?:[^[\]\n]|\[[^[\]\n]*\]|\](?=[^[\n]*\]))*)\]\(\s*<?(?:[^()\s<>]|\([^()\s<>]*\))*>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;

/**
 * Anything Discord turns into a link: a URL with a scheme, or an invite written without one.
 * `<url>` (the embed-suppressing form) is taken with its brackets. No word boundary before either:
 * Discord links one in italics (`_https://…_`) or glued to a digit, where `\b` sees none. A URL
 * ends at a spoiler's `||` and at a backtick, as Discord's markdown closes those around it.
 */
const LINK = /<?(?:[a-z][a-z\d+.-]{1,20}:\/\/(?:[^\s<>`|]|\|(?!\|))+|(?:discord(?:app)?\.com\/invite|discord\.gg)\/[\w-]+)>?/gi;

/** Punctuation and markup that end a sentence or close a span rather than the URL they follow. */
const TRAILING_PUNCTUATION = /[.,;:!?'"*_~|`)\]>]+$/;

/** A link's scheme (when it has one) and host: what DNS and URL parsers read in any case. */
const SCHEME_AND_HOST = /^(?:[a-z][a-z\d+.-]*:\/\/)?[^/?#]*/i;

/** Where a link was removed; a control character, which cleanReply has already stripped from the text. */
const REMOVED = '\u0000';
/**
 * Emphasis, strikethrough, a spoiler, code or parentheses around nothing but a removed link, with
 * the character before (the start, a blank, an opening bracket or quote, or a marker: a closing
 * marker glued to a word is no opening) and the one after. Left behind, they post as bare markup (`****`).
 */
const WRAPPED_REMOVED = /(^|[\s([{"'*_~|`])(\*{1,3}|_{1,3}|~~|\|\||`+|\()[ \t]*\u0000+[ \t]*(\*{1,3}|_{1,3}|~~|\|\||`+|\))(?=([\s\S]?))/g;
/**
 * A removed link with the blanks around it, the markup glued after it (closing the span that held
 * it, as in `||see https://x||`) and the character after that.
 */
const REMOVED_WITH_BLANKS = /([ \t]*)\u0000+([ \t]*)(?=([*_~|`]*)([\s\S]?))/g;
/** What may follow a removed link, past its blanks or its glued closers: the end, a blank or a sentence's punctuation. */
const ENDS_AFTER_LINK = /^(?:|[\s.,;:!?)])$/;
/** The text before a removed link ends in a span's opening markup (`see ||`), or is empty. */
const OPENS_BEFORE_LINK = /(?:^|\s)[*_~|`]*$/;

/**
 * Makes a model's reply carry no link it was talked into: masked links keep only their text,
 * and a URL or invite stays only when the person being answered wrote it (`answering`), since
 * echoing someone's own link posts nothing they could not have posted themselves.
 */
export function neutralizeLinks(text: string, answering: string): string {
  const allowed = new Set(findLinks(answering).map(linkKey));
  // Taking a link out joins the text around it, which can spell a new one ("disc<https://a.b>ord.gg/x"
  // is "discord.gg/x" without it): the passes repeat until nothing changes. Each change shortens the text.
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = onePass(previous, allowed);
  } while (current !== previous);
  return current;
}

function onePass(text: string, allowed: ReadonlySet<string>): string {
  const unmasked = text.replace(MASKED_LINK, (_link, label: string) => label);
  const removed = unmasked.replace(LINK, (match) => {
    const link = linkIn(match);
    return allowed.has(linkKey(link)) ? match : `${REMOVED}${match.slice(link.length)}`;
  });
  return withoutWrappers(removed).replace(
    REMOVED_WITH_BLANKS,
    (_gap, before: string, after: string, closers: string, next: string, offset: number, whole: string) => {
      // "see https://x." becomes "see.", "go https://x now" "go now", "||see https://x|| Wow" "||see|| Wow".
      if (ENDS_AFTER_LINK.test(after === '' ? next : closers + next)) return '';
      // "||https://x and more||" becomes "||and more||".
      if (before === '' && OPENS_BEFORE_LINK.test(whole.slice(0, offset))) return '';
      return before || after ? ' ' : '';
    },
  );
}

/** Drops the markup that wrapped only a removed link, from the inside out (`**||https://x||**`). */
function withoutWrappers(text: string): string {
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = previous.replace(WRAPPED_REMOVED, (span, before: string, opener: string, closer: string, after: string) =>
      closes(opener, closer) && before !== opener[0] && after !== closer[0] ? `${before}${REMOVED}` : span,
    );
  } while (current !== previous);
  return current;
}

/** `closer` ends the span `opener` began: the same run of markers, or `)` for `(`. */
function closes(opener: string, closer: string): boolean {
  return opener === '(' ? closer === ')' : closer === opener;
}

function findLinks(text: string): string[] {
  return [...text.matchAll(LINK)].map((match) => linkIn(match[0]));
}

/** The link itself: all of `<url>`, or the URL without the sentence's punctuation after it. */
function linkIn(match: string): string {
  return match.startsWith('<') && match.endsWith('>') ? match : withoutTrailingPunctuation(match);
}

/** `see https://x.example/a.` links to `https://x.example/a`; a closing parenthesis stays when the URL opened it. */
function withoutTrailingPunctuation(link: string): string {
  let trimmed = link.replace(TRAILING_PUNCTUATION, '');
  const tail = link.slice(trimmed.length);
  for (const char of tail) {
    const opens = (trimmed.match(/\(/g) ?? []).length;
    const closes = (trimmed.match(/\)/g) ?? []).length;
    if (char !== ')' || opens <= closes) break;
    trimmed += char;
  }
  return trimmed;
}

/**
 * One spelling per destination: no brackets, scheme or `www.`, every invite form alike. Only the
 * scheme and host are in any case: a path and an invite code are case-sensitive (discord.gg/abc is
 * not discord.gg/ABC).
 */
function linkKey(link: string): string {
  return link
    .replace(/^<|>$/g, '')
    .replace(SCHEME_AND_HOST, (schemeAndHost) => schemeAndHost.toLowerCase())
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/^(?:discord(?:app)?\.com\/invite|discord\.gg)\//i, 'invite/')
    .replace(/\/$/, '');
}
