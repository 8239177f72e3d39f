import { DiscordAPIError, HTTPError } from 'discord.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';

/** Client errors that a later attempt can still get past: a timeout and a rate limit. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 429]);

/**
 * A failed Discord request as feelbot's own error, with a code: a 4xx (a bad form, an unknown
 * channel, closed DMs) is permanent, because the same request fails the same way however often it
 * is sent; a 5xx that outlived REST's own retries is not, so the job is retried with backoff.
 * The message names the status and Discord's code, never the URL, which may carry a webhook token.
 */
export function asDiscordRequestError(error: unknown, what: string): unknown {
  if (isFeelbotError(error)) return error;
  if (!(error instanceof DiscordAPIError) && !(error instanceof HTTPError)) return error;
  const code = error instanceof DiscordAPIError ? error.code : undefined;
  const permanent = error.status >= 400 && error.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(error.status);
  return new FeelbotError(
    ErrorCodes.DiscordRequestFailed,
    `Discord refused ${what}: HTTP ${error.status}${code === undefined ? '' : `, code ${code}: ${error.message}`}.`,
    { cause: error, permanent, details: { status: error.status, ...(code === undefined ? {} : { discordCode: code }) } },
  );
}
