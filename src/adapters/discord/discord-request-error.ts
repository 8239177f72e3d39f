import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { namesNoWait, rateLimitWaitMs } from './discord-rest.js';

/**
 * A 4xx that a later attempt can still get past: a request timeout. (A 429 never gets here: the
 * REST client waits it out, or throws a RateLimitError when the wait is too long or not named.)
 */
const RETRYABLE_CLIENT_STATUSES = new Set([408]);

/**
 * A failed Discord request as feelbot's own error, with a code: a 4xx (a bad form, an unknown
 * channel, closed DMs) is permanent, because the same request fails the same way however often it
 * is sent; a 5xx that outlived REST's own retries is not, so the job is retried with backoff; a
 * rate limit too long to wait out, or naming no wait, is DISCORD_RATE_LIMITED, with the wait in
 * `details.retryAfterMs` (UNSTATED_RATE_LIMIT_WAIT_MS for one naming none).
 * The message names the status and Discord's code, never the URL, which may carry a webhook token.
 */
export function asDiscordRequestError(error: unknown, what: string): unknown {
  if (isFeelbotError(error)) return error;
  if (error instanceof RateLimitError) return rateLimited(error, what);
  const network = networkFailureCode(error);
  if (network) {
    return new FeelbotError(ErrorCodes.DiscordUnavailable, `Could not reach Discord for ${what} (${network}).`, {
      cause: error,
      permanent: false,
      details: { errno: network },
    });
  }
  if (!(error instanceof DiscordAPIError) && !(error instanceof HTTPError)) return error;
  const code = error instanceof DiscordAPIError ? error.code : undefined;
  const permanent = error.status >= 400 && error.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(error.status);
  return new FeelbotError(
    ErrorCodes.DiscordRequestFailed,
    `Discord refused ${what}: HTTP ${error.status}${code === undefined ? '' : `, code ${code}: ${error.message}`}.`,
    { cause: error, permanent, details: { status: error.status, ...(code === undefined ? {} : { discordCode: code }) } },
  );
}

/**
 * What a failure to reach Discord at all says (no HTTP answer): a refused or reset connection, a
 * name that does not resolve, an unreachable host, undici's own socket and connect failures. The
 * REST client's timeout (an AbortError) is not among them: a stop signal aborts requests that way too.
 */
const NETWORK_FAILURES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|UND_ERR_[A-Z_]+)$/;

/** The network failure's code, on the error or on the cause a fetch-based client wraps it in; undefined otherwise. */
function networkFailureCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  for (const failure of [error, error.cause]) {
    const code = failure instanceof Error && 'code' in failure && typeof failure.code === 'string' ? failure.code : '';
    if (NETWORK_FAILURES.test(code)) return code;
  }
  return undefined;
}

/** Names the bucket route, where the REST client has already put `:id` and `:token` for the real ones. */
function rateLimited(error: RateLimitError, what: string): FeelbotError {
  const retryAfterMs = Math.ceil(rateLimitWaitMs(error));
  const scope = error.global ? 'global rate limit' : 'rate limit';
  const holds = namesNoWait(error)
    ? `holds back ${what}, naming no wait (likely Cloudflare's edge turning this host away); trying again in ${retryAfterMs / 1000} s.`
    : `holds back ${what} for ${(retryAfterMs / 1000).toFixed(1)} s; not waiting that long.`;
  return new FeelbotError(
    ErrorCodes.DiscordRateLimited,
    `Discord's ${scope} on ${error.method.toUpperCase()} ${error.route} ${holds}`,
    // Not a bug: the message is what an operator needs to read.
    { cause: error, userFacing: true, permanent: false, details: { retryAfterMs } },
  );
}
