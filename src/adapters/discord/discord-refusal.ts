import { DiscordAPIError } from 'discord.js';

/**
 * How long a request Discord refused is not asked again: an avatar it would not take as an emoji
 * is left to the persona's own webhook, and a persona's own webhook it would not make to the
 * channel's shared one, for this long.
 */
export const RETRY_AFTER_REFUSAL_MS = 10 * 60_000;

/** Discord said no to the request itself (a 4xx other than a rate limit): asking again soon changes nothing. */
export function isRefusal(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.status >= 400 && error.status < 500 && error.status !== 429;
}
