import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, RateLimitError } from 'discord.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { rateLimitWaitMs } from './discord-rest.js';

const PORTAL_URL = 'https://discord.com/developers/applications';

/** Discord refused the bot's token: a configuration mistake a restart cannot fix. */
export function tokenRefused(error: unknown): FeelbotError {
  const reason = error instanceof Error ? error.message : String(error);
  return new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `Discord refused the login (${reason}). Check DISCORD_TOKEN: reset it under Bot at ${PORTAL_URL} if it was revoked.`,
    { cause: error, userFacing: true, permanent: true },
  );
}

/**
 * Why a request the bot makes at start-up (a login, GET /applications/@me) failed, told apart so
 * only a real configuration mistake is marked permanent: a bad token (TokenInvalid, a 401), another
 * 4xx (Discord answered and refused), a rate limit, or anything else, which is Discord or the
 * network being unavailable. Gateway close codes are the gateway's own (see loginFailure).
 */
export function startUpRequestFailure(error: unknown, apiUrl: string): FeelbotError {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof RateLimitError) {
    const seconds = Math.ceil(rateLimitWaitMs(error) / 1_000);
    return new FeelbotError(
      ErrorCodes.DiscordRateLimited,
      `Discord rate-limits the bot's start-up requests for ${seconds} s (many restarts or logins in a short time). The process exits so its supervisor can start it again later.`,
      { cause: error, userFacing: true, permanent: false, details: { retryAfterMs: rateLimitWaitMs(error) } },
    );
  }
  if (isTokenRejection(error)) return tokenRefused(error);
  if (error instanceof DiscordAPIError && error.status < 500) {
    // Another 4xx (403, 429, 400): Discord answered, so the network is fine and a restart won't help at once.
    return new FeelbotError(
      ErrorCodes.ConfigInvalid,
      `Discord refused the bot's start-up request with HTTP ${error.status} (${reason}). Check the bot's application at ${PORTAL_URL}.`,
      { cause: error, userFacing: true, permanent: true },
    );
  }
  return new FeelbotError(
    ErrorCodes.DiscordUnavailable,
    `Could not reach Discord at ${apiUrl} (${reason}). This is not a token problem; the process exits so its supervisor can start it again.`,
    { cause: error, userFacing: true, permanent: false },
  );
}

function isTokenRejection(error: unknown): boolean {
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) return true;
  return error instanceof DiscordAPIError && error.status === 401;
}
