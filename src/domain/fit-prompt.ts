import type { Prompt, PromptTurn } from './prompt.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { alternatingTurns, isOpeningTurn } from './alternating-turns.js';
import { QUOTED_MESSAGE } from './build-prompt.js';
import { cutAtWordStart } from './cut-at-word-start.js';
import { tailChars } from './cut-text.js';
import { replyTargetOf, withReplyTarget } from './reply-target.js';

/** Chat templates add role markers around every turn; this covers the longest common ones. */
const TOKENS_PER_TURN_MARKUP = 8;

/**
 * Fits measured against the whole rendered prompt: a refit takes what the last one counted less its
 * overshoot (the template's markup beyond the guess, about constant), so the second nearly always fits.
 */
const MAX_FITS = 3;

/** Fewer tokens than this cannot carry the marker, a few words of the message and the instruction line. */
export const MIN_MESSAGE_TOKENS = 64;

/**
 * Tokens left for the newest turn once the system text and both turns' markup are paid for.
 * `markup` is the chat template's, as measured around the system text and one turn: a fit pays the
 * guess, and a refit what the template takes, so the larger counts. Defaults to the guess.
 */
export function messageRoom(system: string, budget: number, countTokens: (text: string) => number, markup = 0): number {
  return budget - countTokens(system) - Math.max(2 * TOKENS_PER_TURN_MARKUP, markup);
}

/**
 * Makes a prompt fit a token budget: the oldest messages go first, one quoted message at a time
 * (a persona's turn whole), then the start of the newest message, so the model always sees the
 * persona and the newest words. The message replied to stays while any other can go, and goes only when it would
 * leave the newest message fewer than MIN_MESSAGE_TOKENS (or none of its words); the persona's own
 * words left first are opened by a user turn of ours, never dropped for it. A message is never cut
 * outside its quote markers: user text stays data. The system text is never cut: it carries the
 * rules that keep replies safe.
 *
 * `countPrompt` measures a whole prompt as the model reads it (the chat template's markup and all):
 * the parts, counted alone, can come to less, and a prompt past the budget would be cut or erased by
 * whoever runs it. A fit it finds too long is redone with less room; one still too long after
 * MAX_FITS fits is PROMPT_TOO_LONG. Without it, the parts are counted plus a guess of the markup.
 */
export function fitPrompt(
  prompt: Prompt,
  budget: number,
  countTokens: (text: string) => number,
  countPrompt?: (prompt: Prompt) => number,
): Prompt {
  let fitted = fitParts(prompt, budget, countTokens);
  if (!countPrompt) return fitted;
  let partsBudget = budget;
  for (let fits = 1; ; fits++) {
    const tokens = countPrompt(fitted);
    if (tokens <= budget) return fitted;
    if (fits === MAX_FITS) throw promptTooLong(tokens, budget);
    // From what the fit counted, not what it was allowed: a cut can land short of its room.
    partsBudget = Math.min(partsBudget, partsCost(fitted, countTokens)) - (tokens - budget);
    fitted = fitParts(prompt, partsBudget, countTokens);
  }
}

/** The prompt's parts, each counted alone, plus the guess of each one's markup. */
function partsCost(prompt: Prompt, countTokens: (text: string) => number): number {
  return prompt.turns.reduce((sum, turn) => sum + turnCost(turn, countTokens), countTokens(prompt.system) + TOKENS_PER_TURN_MARKUP);
}

function turnCost(turn: PromptTurn, countTokens: (text: string) => number): number {
  return countTokens(turn.text) + TOKENS_PER_TURN_MARKUP;
}

function fitParts(prompt: Prompt, budget: number, countTokens: (text: string) => number): Prompt {
  // Each drop recounts the turns left, most of them unchanged: each text is tokenized once.
  const counted = new Map<string, number>();
  const count = (text: string): number => {
    const known = counted.get(text);
    if (known !== undefined) return known;
    const tokens = countTokens(text);
    counted.set(text, tokens);
    return tokens;
  };
  const cost = (turns: readonly PromptTurn[]) => partsCost({ system: prompt.system, turns }, count);
  let turns = alternatingTurns(prompt.turns);
  while (cost(turns) > budget) {
    const fewer = withoutOldest(turns);
    if (!fewer) break;
    turns = fewer;
  }
  const last = turns.at(-1);
  if (cost(turns) <= budget || !last) return { ...prompt, turns };
  const bare = messageRoom(prompt.system, budget, count);
  if (bare < MIN_MESSAGE_TOKENS) throw noRoomForMessage(bare, budget);
  // The turns kept before the newest (the one replied to, its opening turn) go when they leave it too little room.
  let earlier = turns.slice(0, -1);
  let room = budget - cost(earlier) - TOKENS_PER_TURN_MARKUP;
  if (room < MIN_MESSAGE_TOKENS) {
    earlier = [];
    room = bare;
  }
  return { ...prompt, turns: [...earlier, { role: last.role, text: shorten(last.text, room, countTokens, replyTargetOf(last)) }] };
}

/**
 * The turns, as alternatingTurns gives them, with the oldest message that can go gone: from the
 * oldest turn but the newest and the opening turn (alternatingTurns writes it), one quoted message
 * where it holds several, else the whole turn. Undefined when nothing more can go, or when what is
 * left reads as before: fitParts loops while the prompt is too long, so each drop must change it.
 */
function withoutOldest(turns: readonly PromptTurn[]): PromptTurn[] | undefined {
  for (const [index, turn] of turns.slice(0, -1).entries()) {
    if (isOpeningTurn(turn)) continue;
    const fewer = withoutOldestMessage(turn);
    if (fewer === turn) continue;
    const left = alternatingTurns(fewer ? turns.map((kept, at) => (at === index ? fewer : kept)) : turns.filter((_, at) => at !== index));
    return sameTexts(left, turns) ? undefined : left;
  }
  return undefined;
}

function sameTexts(some: readonly PromptTurn[], others: readonly PromptTurn[]): boolean {
  return some.length === others.length && some.every((turn, at) => turn.role === others[at]!.role && turn.text === others[at]!.text);
}

/**
 * `turn` without its oldest quoted message, undefined where that leaves it empty. The message replied
 * to stays, one copy of it (the first, where a member posted the same text again): the others of its
 * turn go one by one (a persona's words, not quoted, all at once), and `turn` comes back unchanged
 * when it is all that is left.
 */
function withoutOldestMessage(turn: PromptTurn): PromptTurn | undefined {
  const target = replyTargetOf(turn);
  if (turn.text === target) return turn;
  const quotes = turn.role === 'user' ? quotesOf(turn.text) : undefined;
  if (!quotes || quotes.length < 2) return target === undefined ? undefined : withReplyTarget({ role: turn.role, text: target }, target);
  const kept = target === undefined ? -1 : quotes.indexOf(target);
  const oldest = quotes.findIndex((_, index) => index !== kept);
  return withReplyTarget({ role: turn.role, text: quotes.filter((_, index) => index !== oldest).join('\n') }, target);
}

/** The quoted messages a turn is made of, as alternatingTurns joins them; undefined where it holds anything else. */
function quotesOf(text: string): string[] | undefined {
  const quotes = [...text.matchAll(QUOTED_MESSAGE)].map((match) => match[0].replace(/\n$/, ''));
  return quotes.join('\n') === text ? quotes : undefined;
}

/** The persona's system text leaves the message too little room: a config problem, never a retry. */
function noRoomForMessage(room: number, budget: number): FeelbotError {
  return new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `The system prompt leaves ${room} tokens of a ${budget}-token prompt budget for the message; at least ${MIN_MESSAGE_TOKENS} are needed. Shorten the persona's system prompt or maxTokens, or raise LLM_CONTEXT_SIZE.`,
    { permanent: true, details: { room, budget, minimum: MIN_MESSAGE_TOKENS } },
  );
}

/** The rendered prompt stays past the budget however it is refitted: refused rather than cut by the runner. */
function promptTooLong(tokens: number, budget: number): FeelbotError {
  return new FeelbotError(
    ErrorCodes.PromptTooLong,
    `The prompt takes ${tokens} tokens as the chat template renders it, past the ${budget} the context leaves beside the reply, after ${MAX_FITS} fits.`,
    { permanent: true, details: { tokens, budget, fits: MAX_FITS } },
  );
}

/**
 * `keep`, a quoted message of `text` (the one replied to), stays while whole quotes older and newer
 * than it go, then beside the newest message cut at its start while that keeps MIN_MESSAGE_TOKENS.
 */
function shorten(text: string, tokens: number, countTokens: (text: string) => number, keep?: string): string {
  const quotes = [...text.matchAll(QUOTED_MESSAGE)];
  const newest = quotes.at(-1);
  if (!newest) return `…${longestTail(text, tokens - countTokens('…'), countTokens)}`;
  const kept = keep === undefined ? -1 : text.indexOf(keep);
  // Whole quoted messages go first, oldest first.
  for (const quote of quotes) {
    const rest = text.slice(quote.index);
    const withKept = kept !== -1 && kept < quote.index ? `${keep}\n${rest}` : rest;
    if (countTokens(withKept) <= tokens) return withKept;
  }
  // Every other quote gone, the newest words are cut beside it rather than it dropped for them.
  if (kept !== -1 && kept < newest.index) {
    const room = tokens - countTokens(`${keep}\n`);
    const cut = room >= MIN_MESSAGE_TOKENS ? cutNewest(text, newest, room, countTokens) : undefined;
    // Some of the newest words stay beside it, or it goes: they are what the reply answers.
    if (cut && cut.tail !== '') return `${keep}\n${cut.text}`;
  }
  // Too little room for it beside the newest words: it goes, as any older quote.
  for (const quote of kept === -1 ? [] : quotes) {
    const rest = text.slice(quote.index);
    if (quote.index > kept && countTokens(rest) <= tokens) return rest;
  }
  return cutNewest(text, newest, tokens, countTokens).text;
}

/**
 * The newest message, too long, with the start of its text cut inside its own markers and what
 * follows it (the instruction line) whole; `tail` is what is left of its text.
 */
function cutNewest(text: string, newest: RegExpExecArray, tokens: number, countTokens: (text: string) => number): { text: string; tail: string } {
  const opener = `<<<${newest[1]}: …`;
  const after = text.slice(newest.index + newest[0].length - (newest[0].endsWith('\n') ? 4 : 3));
  const tail = longestTail(newest[2]!, tokens - countTokens(opener) - countTokens(after), countTokens);
  return { text: `${opener}${tail}${after}`, tail };
}

/** The longest end of `text` within `tokens`, found by a binary search on the cut point, from a whole word. */
function longestTail(text: string, tokens: number, countTokens: (text: string) => number): string {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (countTokens(text.slice(middle)) <= tokens) high = middle;
    else low = middle + 1;
  }
  return cutAtWordStart(text, tailChars(text, text.length - low));
}
