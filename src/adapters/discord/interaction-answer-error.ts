import { DiscordAPIError } from 'discord.js';
import { isFeelbotError, FeelbotError } from '../../errors.js';
import { DiscordCodes } from './discord-error-codes.js';
import { asDiscordRequestError } from './discord-request-error.js';

/**
 * A failed request as asDiscordRequestError words it; one refused for a dead interaction token
 * (401, "Invalid Webhook Token") is marked so that nothing more is sent with that token.
 */
export function asAnswerError(error: unknown, what: string): unknown {
  const failed = asDiscordRequestError(error, what);
  const tokenRefused = error instanceof DiscordAPIError && (error.status === 401 || error.code === DiscordCodes.InvalidWebhookToken);
  if (!tokenRefused || !isFeelbotError(failed)) return failed;
  return new FeelbotError(failed.code, failed.message, {
    cause: error,
    permanent: true,
    details: { ...failed.details, interactionTokenExpired: true },
  });
}
