import { SnowflakeUtil, type RateLimitData } from 'discord.js';
import { namesNoWait, rateLimitWaitMs } from './discord-rest.js';

/**
 * Discord forgets an interaction that has no response 3 seconds after it was created: a callback
 * sent later meets 10062 (unknown interaction), and the person sees "The application did not respond".
 */
export const INTERACTION_RESPONSE_WINDOW_MS = 3_000;

/** The bucket route @discordjs/rest gives every interaction callback, whatever its id and token. */
const CALLBACK_ROUTE = '/interactions/:id/:token/callback';

const INTERACTION_ID = /\/interactions\/(\d+)\//;

/**
 * `rejectOnRateLimit` for a client that answers interactions: a callback (a deferral, a reply)
 * whose wait would end after its interaction's 3 s fails at once with a RateLimitError, since
 * Discord would refuse it after the wait anyway. Every other request waits out its 429 as before,
 * unless the 429 names no wait, which the client would resend at once, without end.
 */
export function rejectsCallbackWaitsPastWindow(limit: RateLimitData): boolean {
  if (namesNoWait(limit)) return true;
  if (limit.route !== CALLBACK_ROUTE) return false;
  return rateLimitWaitMs(limit) > responseMsLeft(limit.url);
}

/**
 * What is left of the window, from the interaction id's timestamp (Discord's clock, against this
 * host's; NTP keeps them close). Never more than the whole window, when the id cannot be read too.
 */
function responseMsLeft(url: string): number {
  const id = INTERACTION_ID.exec(url)?.[1];
  if (!id) return INTERACTION_RESPONSE_WINDOW_MS;
  return Math.min(INTERACTION_RESPONSE_WINDOW_MS, SnowflakeUtil.timestampFrom(id) + INTERACTION_RESPONSE_WINDOW_MS - Date.now());
}
