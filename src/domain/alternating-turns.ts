import type { PromptTurn } from './prompt.js';
import { replyTargetOf, withReplyTarget } from './reply-target.js';

/**
 * Opens a conversation that would start on the persona's own words: chat templates (Gemma's) want
 * a user turn first, and the persona's words must not be dropped for it. Ours alone, no user text.
 */
export const OPENING_TURN: PromptTurn = { role: 'user', text: '(Earlier messages of this conversation are not shown.)' };

/**
 * The turns as chat templates take them: consecutive turns of one role merged, since they expect
 * alternating roles, and a user turn first, OPENING_TURN where the persona's own words would open
 * them. Nothing is dropped; an opening turn left before a user turn (its assistant turn dropped) goes.
 */
export function alternatingTurns(turns: readonly PromptTurn[]): PromptTurn[] {
  const merged: PromptTurn[] = [];
  for (const turn of turns) {
    if (isOpeningTurn(turn)) continue;
    const last = merged.at(-1);
    if (last && last.role === turn.role) merged[merged.length - 1] = mergeTurns(last, turn);
    else merged.push(turn);
  }
  return merged[0]?.role === 'assistant' ? [OPENING_TURN, ...merged] : merged;
}

/** By its text: a member's words are always quoted, so no turn of theirs reads the same. */
export function isOpeningTurn(turn: PromptTurn): boolean {
  return turn.role === OPENING_TURN.role && turn.text === OPENING_TURN.text;
}

function mergeTurns(earlier: PromptTurn, later: PromptTurn): PromptTurn {
  const merged = { role: earlier.role, text: `${earlier.text}\n${later.text}` };
  return withReplyTarget(merged, replyTargetOf(earlier) ?? replyTargetOf(later));
}
