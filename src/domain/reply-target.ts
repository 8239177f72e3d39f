import type { PromptTurn } from './prompt.js';

/**
 * A turn holding the message being replied to: `replyTarget` is that message as the turn shows it
 * (its quote, or the persona's own words), which fitPrompt keeps while it drops older turns.
 */
export interface TargetTurn extends PromptTurn {
  readonly replyTarget: string;
}

/** The message replied to, as `turn` shows it, when the turn holds it. */
export function replyTargetOf(turn: PromptTurn): string | undefined {
  return 'replyTarget' in turn && typeof turn.replyTarget === 'string' ? turn.replyTarget : undefined;
}

/** `turn`, marked as holding `target` where there is one. */
export function withReplyTarget(turn: PromptTurn, target: string | undefined): PromptTurn {
  if (target === undefined) return turn;
  const marked: TargetTurn = { ...turn, replyTarget: target };
  return marked;
}
