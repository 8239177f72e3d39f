import type { Prompt, PromptTurn } from '../ports/reply-generator.js';

/** Chat templates add role markers around every turn; this covers the longest common ones. */
export const TOKENS_PER_TURN_MARKUP = 8;

/**
 * Makes a prompt fit a token budget: the oldest turns go first, then the start of the last
 * message, so the model always sees the persona and the newest words. The system text is never cut:
 * it carries the rules that keep replies safe.
 */
export function fitPrompt(prompt: Prompt, budget: number, countTokens: (text: string) => number): Prompt {
  const systemTokens = countTokens(prompt.system) + TOKENS_PER_TURN_MARKUP;
  const cost = (turn: PromptTurn) => countTokens(turn.text) + TOKENS_PER_TURN_MARKUP;
  const turns = [...prompt.turns];
  let total = systemTokens + turns.reduce((sum, turn) => sum + cost(turn), 0);
  while (total > budget && turns.length > 1) total -= cost(turns.shift()!);
  // Chat templates want the conversation to open with the user.
  while (turns.length > 1 && turns[0]!.role === 'assistant') total -= cost(turns.shift()!);
  const last = turns.at(-1);
  if (total > budget && last) {
    const room = Math.max(1, budget - systemTokens - TOKENS_PER_TURN_MARKUP);
    turns[turns.length - 1] = { role: last.role, text: keepTail(last.text, room, countTokens) };
  }
  return { system: prompt.system, turns };
}

function keepTail(text: string, tokens: number, countTokens: (text: string) => number): string {
  let low = 0;
  let high = text.length;
  // Binary search on the cut point: the longest tail within the budget.
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (countTokens(text.slice(middle)) <= tokens) high = middle;
    else low = middle + 1;
  }
  return low === 0 ? text : `…${text.slice(low + 1)}`;
}
