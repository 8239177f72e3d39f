/** Discord's interaction tokens last 15 minutes; past that, the deferred answer cannot be edited or read. */
export const INTERACTION_LIFETIME_MS = 15 * 60_000;

/** How long the interaction token of a command received at `receivedAt` still lives (negative once it is dead). */
export function tokenMsLeft(receivedAt: number, now = Date.now()): number {
  return INTERACTION_LIFETIME_MS - (now - receivedAt);
}
