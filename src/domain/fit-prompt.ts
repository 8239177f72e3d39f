import type { Prompt, PromptTurn } from './prompt.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { QUOTED_MESSAGE } from './build-prompt.js';
import { tailChars } from './cut-text.js';

/** Chat templates add role markers around every turn; this covers the longest common ones. */
const TOKENS_PER_TURN_MARKUP = 8;

/**
 * Fits measured against the whole rendered prompt: a refit takes what the last one counted less its
 * overshoot (the template's markup beyond the guess, about constant), so the second nearly always fits.
 */
const MAX_FITS = 3;

/** Fewer tokens than this cannot carry the marker, a few words of the message and the instruction line. */
export const MIN_MESSAGE_TOKENS = 64;

/** Tokens left for the newest turn once the system text and both turns' markup are paid for. */
export function messageRoom(system: string, budget: number, countTokens: (text: string) => number): number {
  return budget - countTokens(system) - 2 * TOKENS_PER_TURN_MARKUP;
}

/**
 * Makes a prompt fit a token budget: the oldest turns go first, then the oldest quoted messages of
 * the last turn, then the start of the newest message, so the model always sees the persona and
 * the newest words. A message is never cut outside its quote markers: user text stays data. The
 * system text is never cut: it carries the rules that keep replies safe.
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
  const cost = (turn: PromptTurn) => turnCost(turn, countTokens);
  const turns = [...prompt.turns];
  let total = partsCost(prompt, countTokens);
  while (total > budget && turns.length > 1) total -= cost(turns.shift()!);
  // Chat templates want the conversation to open with the user.
  while (turns.length > 1 && turns[0]!.role === 'assistant') total -= cost(turns.shift()!);
  const last = turns.at(-1);
  if (total > budget && last) {
    const room = messageRoom(prompt.system, budget, countTokens);
    if (room < MIN_MESSAGE_TOKENS) throw noRoomForMessage(room, budget);
    turns[turns.length - 1] = { role: last.role, text: shorten(last.text, room, countTokens) };
  }
  return { system: prompt.system, turns };
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

function shorten(text: string, tokens: number, countTokens: (text: string) => number): string {
  const quotes = [...text.matchAll(QUOTED_MESSAGE)];
  const newest = quotes.at(-1);
  if (!newest) return `…${longestTail(text, tokens - countTokens('…'), countTokens)}`;
  // Whole quoted messages go first, oldest first.
  for (const quote of quotes) {
    const rest = text.slice(quote.index);
    if (countTokens(rest) <= tokens) return rest;
  }
  // The newest message alone is too long: cut the start of its text, inside its own markers.
  const opener = `<<<${newest[1]}: …`;
  const after = text.slice(newest.index + newest[0].length - (newest[0].endsWith('\n') ? 4 : 3));
  const room = tokens - countTokens(opener) - countTokens(after);
  return `${opener}${longestTail(newest[2]!, room, countTokens)}${after}`;
}

/** The longest end of `text` within `tokens`, found by a binary search on the cut point. */
function longestTail(text: string, tokens: number, countTokens: (text: string) => number): string {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (countTokens(text.slice(middle)) <= tokens) high = middle;
    else low = middle + 1;
  }
  return tailChars(text, text.length - low);
}
