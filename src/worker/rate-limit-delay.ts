import { isFeelbotError } from '../errors.js';

/**
 * A rate-limited job is not delayed to past this long after it was queued: a reply that late is
 * stale, and a /feel's interaction token dies 15 minutes after the command.
 */
const RATE_LIMIT_DEADLINE_MS = 10 * 60_000;

/**
 * The wait a retryable error asks for in `details.retryAfterMs`: a Discord rate limit's, or a busy
 * LoRA persona's (LLM_BUSY).
 */
function retryAfterMsOf(error: unknown): number | undefined {
  if (!isFeelbotError(error) || error.permanent) return undefined;
  const retryAfterMs: unknown = error.details.retryAfterMs;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : undefined;
}

/**
 * When to run a rate-limited job again, without using up an attempt; undefined when the error is
 * no rate limit, or its wait would end past the deadline (the job then fails as any other would).
 */
export function rateLimitedUntil(error: unknown, queuedAt: number, now: number): number | undefined {
  const wait = retryAfterMsOf(error);
  if (wait === undefined) return undefined;
  const until = now + wait;
  return until <= queuedAt + RATE_LIMIT_DEADLINE_MS ? until : undefined;
}
