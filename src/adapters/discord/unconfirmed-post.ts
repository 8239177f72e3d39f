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
 * A post that failed without Discord saying it did not post (a 5xx, a timeout, a connection reset
 * while waiting for the answer) as DISCORD_REQUEST_FAILED with `details.mayHavePosted`: Discord
 * may have posted it before failing, so a retry must look for it before posting again. Any other
 * error (one that never reached Discord, a refusal, a bug) is returned as it is.
 */
export function asUnconfirmedPost(error: unknown, what: string): unknown {
  if (!mayHavePosted(error)) return error;
  const coded = asDiscordRequestError(error, what);
  const failure = isFeelbotError(coded) ? coded : undefined;
  return new FeelbotError(ErrorCodes.DiscordRequestFailed, failure?.message ?? `Discord did not answer ${what}: ${error.message}.`, {
    cause: error,
    details: { ...failure?.details, mayHavePosted: true },
  });
}

function mayHavePosted(error: unknown): error is Error {
  if (isFeelbotError(error) || error instanceof RateLimitError) return false;
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status >= 500;
  if (!(error instanceof Error)) return false;
  // The REST client's timeout aborts the request it has sent.
  if (error.name === 'AbortError') return true;
  // A fetch-based client wraps undici's error: TypeError('fetch failed', { cause }).
  return [error, error.cause].some((failure) => AFTER_SENDING.has(codeOf(failure)));
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
}
