import { RESTEvents, type REST } from 'discord.js';
import { ErrorCodes } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';

/**
 * Discord bans the bot's IP address for about an hour once it sends 10,000 requests in 10 minutes
 * that are refused with 401, 403 or 429. Every process counts its own (the REST client's count
 * is per process); the ban counts them all.
 */
export const INVALID_REQUEST_BAN_AT = 10_000;

/**
 * A process warns every this many refusals in its 10-minute window, so an operator sees a flood of
 * them (a permission missing everywhere, a worker retrying a refused post) long before the ban.
 */
export const INVALID_REQUEST_WARNING_EVERY = 250;

/** Options for a discord.js REST client that counts refused requests toward a warning. */
export function invalidRequestOptions(every = INVALID_REQUEST_WARNING_EVERY) {
  return { invalidRequestWarningInterval: every } as const;
}

/** Logs the REST client's warnings about refused requests, with how far they are from a ban. */
export function warnOfInvalidRequests(rest: REST, logger: Logger): void {
  rest.on(RESTEvents.InvalidRequestWarning, ({ count, remainingTime }) => {
    logger.warn(
      { code: ErrorCodes.DiscordInvalidRequests, count, banAt: INVALID_REQUEST_BAN_AT, windowLeftMs: Math.max(0, Math.round(remainingTime)) },
      `Discord refused ${count} requests of this process (401, 403, 429) in 10 minutes; at ${INVALID_REQUEST_BAN_AT} across the bot's IP it bans the IP for about an hour`,
    );
  });
}
