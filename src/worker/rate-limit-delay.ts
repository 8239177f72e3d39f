import { ErrorCodes, isFeelbotError } from '../errors.js';

/**
 * A Discord rate limit, or a post that may still land, is not waited out past this long after the
 * job was queued: a reply that late is stale, and a /feel's interaction token dies 15 minutes after
 * the command. It also bounds how often a job whose posts keep timing out is retried without
 * using up an attempt.
 */
const RATE_LIMIT_DEADLINE_MS = 10 * 60_000;

/**
 * The wait a retryable error asks for in `details.retryAfterMs`: a Discord rate limit's, a busy
 * LoRA persona's (LLM_BUSY), or a post's whose answer never came (DISCORD_REQUEST_FAILED with
 * `mayHavePosted`), for it to land before the retry looks for it.
 */
function retryAfterMsOf(error: unknown): number | undefined {
  if (!isFeelbotError(error) || error.permanent) return undefined;
  const retryAfterMs: unknown = error.details.retryAfterMs;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : undefined;
}

/**
 * A busy LoRA context is waited out however long the job was queued: the deadline is about Discord,
 * and a backlog is no reason to drop a reply. Each refusal means another reply of that persona is
 * being written, which frees its sequence when it ends or when LLM_TIMEOUT_MS cuts it off; the job
 * checks on each run whether it is still wanted (a deleted message, a silenced persona). A /feel
 * never gets LLM_BUSY (its line is written on the base context) and skips itself once its token is dead.
 */
function waitsWithoutDeadline(error: unknown): boolean {
  return isFeelbotError(error, ErrorCodes.LlmBusy);
}

/**
 * When to run a job that asked to wait again, without using up an attempt; undefined when the
 * error asks for no wait, or a Discord wait (a rate limit's, a post's that may still land) would
 * end past the deadline (the job then fails as any other would, and its retry still looks for the
 * post again right before it sends: landedEarlier).
 */
export function rateLimitedUntil(error: unknown, queuedAt: number, now: number): number | undefined {
  const wait = retryAfterMsOf(error);
  if (wait === undefined) return undefined;
  const until = now + wait;
  return waitsWithoutDeadline(error) || until <= queuedAt + RATE_LIMIT_DEADLINE_MS ? until : undefined;
}
