import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { startUpRequestFailure } from './start-up-request-failure.js';

const PORTAL_URL = 'https://discord.com/developers/applications';

/**
 * Why start-up could not learn the bot's application id, told as any refused start-up request is; when Discord
 * could not say (unreachable, 5xx, a long rate limit), also how to start without asking it. The id
 * is never guessed from the token instead: a bot made before 2019 has another user id, and the
 * QUEUE_PREFIX claim would refuse the bot's own prefix or record the wrong id for good.
 */
export function applicationIdFailure(error: unknown, apiUrl: string): FeelbotError {
  // Already told (a DISCORD_APPLICATION_ID that is another application's): not a failure to reach Discord.
  if (isFeelbotError(error)) return error;
  const failure = startUpRequestFailure(error, apiUrl);
  if (failure.code !== ErrorCodes.DiscordUnavailable && failure.code !== ErrorCodes.DiscordRateLimited) return failure;
  return new FeelbotError(
    failure.code,
    `${failure.message} Discord did not say which application the bot is, and QUEUE_PREFIX is claimed only for a certain one: ` +
      `start it again later, or set DISCORD_APPLICATION_ID to the Application ID under General Information at ${PORTAL_URL}.`,
    { cause: error, userFacing: true, permanent: false, details: failure.details },
  );
}
