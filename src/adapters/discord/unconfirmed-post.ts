import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { asDiscordRequestError } from './discord-request-error.js';

/**
 * Codes of a failure after the request may have reached Discord: the connection reset or closed
 * while the answer was awaited (ECONNRESET, also Node's "socket hang up"; undici's UND_ERR_SOCKET),
 * or undici's own wait for the answer ran out. A connection that never carried the request
 * (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, a TLS handshake, UND_ERR_CONNECT_TIMEOUT)
 * is not among them.
 */
const AFTER_SENDING = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * How long the retry of a post whose answer never came waits before it looks for that post: one
 * Discord was still handling when the client gave up (REST_TIMEOUT_MS, 15 s) has had twice that to land.
 */
export const LATE_POST_WAIT_MS = 30_000;

/**
 * A post that failed without Discord saying it did not post (a 5xx, a timeout, a connection reset
 * while waiting for the answer) as DISCORD_REQUEST_FAILED with `details.mayHavePosted`: Discord
 * may have posted it before failing, so a retry must look for it before posting again. One whose
 * answer never came may still be landing, so it asks for LATE_POST_WAIT_MS (`details.retryAfterMs`)
 * before that look; a 5xx's post, if any, was made before Discord answered. Any other error (one
 * that never reached Discord, a refusal, a bug) is returned as it is.
 */
export function asUnconfirmedPost(error: unknown, what: string): unknown {
  if (!mayHavePosted(error)) return error;
  const coded = asDiscordRequestError(error, what);
  const failure = isFeelbotError(coded) ? coded : undefined;
  const lateLanding = isAnswerFromDiscord(error) ? {} : { retryAfterMs: LATE_POST_WAIT_MS };
  return new FeelbotError(ErrorCodes.DiscordRequestFailed, failure?.message ?? `Discord did not answer ${what}: ${error.message}.`, {
    cause: error,
    details: { ...failure?.details, mayHavePosted: true, ...lateLanding },
  });
}

function mayHavePosted(error: unknown): error is Error {
  if (isFeelbotError(error) || error instanceof RateLimitError) return false;
  if (isAnswerFromDiscord(error)) return error.status >= 500;
  if (!(error instanceof Error)) return false;
  // The REST client's timeout aborts the request it has sent.
  if (error.name === 'AbortError') return true;
  // A fetch-based client wraps undici's error: TypeError('fetch failed', { cause }).
  return [error, error.cause].some((failure) => AFTER_SENDING.has(codeOf(failure)));
}

/** Discord answered, with an error status: whatever it did with the post was done by then. */
function isAnswerFromDiscord(error: unknown): error is DiscordAPIError | HTTPError {
  return error instanceof DiscordAPIError || error instanceof HTTPError;
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
}
