import { REST, type RateLimitData } from 'discord.js';
import type { Logger } from '../../ports/logger.js';
import { warnOfInvalidRequests } from './invalid-requests.js';

/** @discordjs/rest retries 5xx and waits out short 429s itself; 3 retries matches its default. */
const REST_RETRIES = 3;
/** Long enough for a slow webhook execute, short enough that a hung request frees the worker. */
const REST_TIMEOUT_MS = 15_000;
/**
 * A rate limit that asks for a longer wait fails the request (DISCORD_RATE_LIMITED) instead of
 * parking the job's slot; the job is delayed instead. Kept well under the worker's shutdown grace
 * (SHUTDOWN_GRACE_MS), so a wait in progress never holds a stopping worker past it.
 */
export const MAX_RATE_LIMIT_WAIT_MS = 10_000;

/**
 * How long Discord asks the request to wait: its Retry-After, or the bucket's reset when that is
 * later (@discordjs/rest waits for whichever applies; both include its 50 ms safety offset).
 */
export function rateLimitWaitMs(limit: Pick<RateLimitData, 'retryAfter' | 'timeToReset'>): number {
  return Math.max(limit.retryAfter, limit.timeToReset, 0);
}

/** Shorter rate limits are waited out by the client, local and global alike; longer ones throw a RateLimitError. */
function rejectsLongWaits(limit: RateLimitData): boolean {
  return rateLimitWaitMs(limit) > MAX_RATE_LIMIT_WAIT_MS;
}

export interface DiscordRestOptions {
  readonly repeatsFailedRequests?: boolean;
  /** Where to warn when Discord refuses many requests (on the way to an IP ban); unwatched without it. */
  readonly logger?: Logger;
  /** Warn every this many refused requests of the process. Defaults to INVALID_REQUEST_WARNING_EVERY. */
  readonly warnEveryInvalid?: number;
}

/**
 * `repeatsFailedRequests: false` is for posts: a 5xx or a timeout may come after Discord posted, so
 * the caller decides, after looking, instead of the client sending the message again at once.
 */
export function createDiscordRest(apiUrl: string, token: string, options: DiscordRestOptions = {}): REST {
  const retries = (options.repeatsFailedRequests ?? true) ? REST_RETRIES : 0;
  const rest = new REST({ api: apiUrl, retries, timeout: REST_TIMEOUT_MS, rejectOnRateLimit: rejectsLongWaits }).setToken(token);
  if (options.logger) warnOfInvalidRequests(rest, options.logger, options.warnEveryInvalid);
  return rest;
}
