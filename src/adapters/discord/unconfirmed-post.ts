import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { asDiscordRequestError } from './discord-request-error.js';

/**
 * A post that failed without Discord saying it did not post (a 5xx, a timeout, a dropped
 * connection) as DISCORD_REQUEST_FAILED with `details.mayHavePosted`: Discord may have posted it
 * before failing, so a retry must look for it before posting again. Any other error is returned
 * as it is.
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

/** False for what Discord answers before posting anything: a refusal (4xx), a rate limit, feelbot's own error. */
function mayHavePosted(error: unknown): error is Error {
  if (isFeelbotError(error) || error instanceof RateLimitError) return false;
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status >= 500;
  return error instanceof Error;
}
