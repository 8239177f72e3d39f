/**
 * A masked link: `[text](url)`, `[text](<url>)` or `[text](url "title")`. The text may hold one
 * level of brackets, and a lone `]` before its closing one, as Discord's markdown allows; the URL
 * may hold one level of parentheses (Wikipedia-style paths).
 */
const MASKED_LINK = /\[((?:[^[\]\n]|\[[^[\]\n]*\]|\](?=[^[\n]*\]))*)\]\(\s*<?(?:[^()\s<>]|\([^()\s<>]*\))*>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;

/**
 * Anything Discord turns into a link: a URL with a scheme, or an invite written without one.
 * `<url>` (the embed-suppressing form) is taken with its brackets. No word boundary before either:
 * Discord links one in italics (`_https://…_`) or glued to a digit, where `\b` sees none.
 */
const LINK = /<?(?:[a-z][a-z\d+.-]{1,20}:\/\/[^\s<>]+|(?:discord(?:app)?\.com\/invite|discord\.gg)\/[\w-]+)>?/gi;

/** Punctuation that ends a sentence rather than the URL it follows. */
const TRAILING_PUNCTUATION = /[.,;:!?'"*_~)\]>]+$/;

/** Where a link was removed; a control character, which cleanReply has already stripped from the text. */
const REMOVED = '\u0000';
/** A removed link with the blanks around it, and the character after it. */
const REMOVED_WITH_BLANKS = /([ \t]*)\u0000+([ \t]*)(?=([\s\S]?))/g;

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
  return unmasked
    .replace(LINK, (match) => {
      const link = linkIn(match);
      return allowed.has(linkKey(link)) ? match : `${REMOVED}${match.slice(link.length)}`;
    })
    .replace(REMOVED_WITH_BLANKS, (_gap, before: string, after: string, next: string) => {
      // "see https://x." becomes "see." and "go https://x now" becomes "go now".
      if (next === '' || /[\s.,;:!?)]/.test(next)) return '';
      return before || after ? ' ' : '';
    });
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

/** One spelling per destination: no brackets, scheme or `www.`, any case, every invite form alike. */
function linkKey(link: string): string {
  return link
    .replace(/^<|>$/g, '')
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/^(?:discord(?:app)?\.com\/invite|discord\.gg)\//, 'invite/')
    .replace(/\/$/, '');
}
