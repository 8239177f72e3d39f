import { RESTEvents, type REST, type ResponseLike } from 'discord.js';
import { ErrorCodes } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import { RefusalWindow } from './refusal-window.js';

/**
 * Discord bans the bot's IP address for about an hour once it sends 10,000 requests in 10 minutes
 * that are refused with 401, 403 or 429 (but a 429 of a resource's shared limit). Every process
 * counts its own (one count for all its REST clients); the ban counts them all.
 */
export const INVALID_REQUEST_BAN_AT = 10_000;

/**
 * A process warns every this many refusals in its 10-minute window, so an operator sees a flood of
 * them (a permission missing everywhere, a worker retrying a refused post) long before the ban.
 */
export const INVALID_REQUEST_WARNING_EVERY = 250;

/** The process's refusals, shared by its REST clients as Discord's count is by its requests. */
const processRefusals = new RefusalWindow();

/**
 * Whether Discord counts this answer toward its ban: a 401, a 403, or a 429 other than one of a
 * resource's limit shared by every caller (X-RateLimit-Scope: shared), such as an emoji's.
 */
export function countsTowardBan(response: Pick<ResponseLike, 'status' | 'headers'>): boolean {
  if (response.status === 401 || response.status === 403) return true;
  return response.status === 429 && response.headers.get('X-RateLimit-Scope') !== 'shared';
}

/**
 * Counts the refusals `rest` receives (each attempt, retries included, as Discord counts them) and
 * warns at every `every` of the process's in 10 minutes, with how far they are from a ban.
 */
export function warnOfInvalidRequests(rest: REST, logger: Logger, every = INVALID_REQUEST_WARNING_EVERY): void {
  rest.on(RESTEvents.Response, (_request, response) => {
    if (!countsTowardBan(response)) return;
    const warning = processRefusals.refused(every);
    if (!warning) return;
    const { count, windowLeftMs } = warning;
    logger.warn(
      { code: ErrorCodes.DiscordInvalidRequests, count, banAt: INVALID_REQUEST_BAN_AT, windowLeftMs },
      `Discord refused ${count} requests of this process in 10 minutes (401, 403, and 429 but of a shared limit); at ${INVALID_REQUEST_BAN_AT} across the bot's IP it bans the IP for about an hour`,
    );
  });
}
