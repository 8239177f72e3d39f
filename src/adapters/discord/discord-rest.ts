import { DefaultRestOptions, REST, type RateLimitData } from 'discord.js';
import type { Logger } from '../../ports/logger.js';
import { warnOfInvalidRequests } from './invalid-requests.js';

/** @discordjs/rest retries 5xx and waits out short 429s itself; 3 retries matches its default. */
const REST_RETRIES = 3;
/** Long enough for a slow webhook execute, short enough that a hung request frees the worker. */
export const REST_TIMEOUT_MS = 15_000;
/**
 * A rate limit that asks for a longer wait fails the request (DISCORD_RATE_LIMITED) instead of
 * parking the job's slot; the job is delayed instead. Kept well under the worker's shutdown grace
 * (SHUTDOWN_GRACE_MS), so a wait in progress never holds a stopping worker past it.
 */
export const MAX_RATE_LIMIT_WAIT_MS = 10_000;

/** What @discordjs/rest adds to every wait it reads from a 429's headers; feelbot keeps its default. */
const REST_OFFSET_MS = DefaultRestOptions.offset;

/**
 * The wait given a 429 that names none (no Retry-After, or one that is no number of seconds, and no
 * X-RateLimit-Reset-After), which @discordjs/rest would resend at once, without end. Discord's API
 * always names one, so this is Cloudflare's edge turning the host away (its error 1015 page), which
 * lasts minutes: a minute keeps a job to one request a minute there, far under the 10,000 refused
 * requests in 10 minutes that earn an IP ban, and still leaves it tries inside its 10 minutes.
 */
export const UNSTATED_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * True when the 429 named no wait: no Retry-After (the client then counts 0; one it cannot read as
 * seconds is NaN) and no bucket reset past the client's own offset. A Retry-After of 0 (a sub-second
 * wait rounded down) names one: the client adds its offset to it, and sends again after that.
 */
export function namesNoWait(limit: Pick<RateLimitData, 'retryAfter' | 'timeToReset'>): boolean {
  return !(limit.retryAfter >= REST_OFFSET_MS || limit.timeToReset > REST_OFFSET_MS);
}

/**
 * How long Discord asks the request to wait: its Retry-After, or the bucket's reset when that is
 * later (@discordjs/rest waits for whichever applies; both include its 50 ms safety offset), or
 * UNSTATED_RATE_LIMIT_WAIT_MS when the 429 names no wait.
 */
export function rateLimitWaitMs(limit: Pick<RateLimitData, 'retryAfter' | 'timeToReset'>): number {
  if (namesNoWait(limit)) return UNSTATED_RATE_LIMIT_WAIT_MS;
  return Math.max(limit.retryAfter, limit.timeToReset);
}

/**
 * Shorter rate limits are waited out by the client, local and global alike; longer ones, and those
 * that name no wait (which the client would resend at once, without end), throw a RateLimitError.
 */
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
