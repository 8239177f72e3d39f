import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, GatewayCloseCodes, GatewayIntentBits, RateLimitError } from 'discord.js';
import { rateLimitWaitMs } from '../adapters/discord/discord-rest.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { GATEWAY_INTENTS } from './create-client.js';

/** The privileged intents, as the developer portal names them under Bot → Privileged Gateway Intents. */
const PRIVILEGED_INTENT_NAMES: ReadonlyMap<GatewayIntentBits, string> = new Map([
  [GatewayIntentBits.GuildPresences, 'Presence Intent'],
  [GatewayIntentBits.GuildMembers, 'Server Members Intent'],
  [GatewayIntentBits.MessageContent, 'Message Content Intent'],
]);

const PORTAL_URL = 'https://discord.com/developers/applications';

/**
 * Why Discord turned the bot away at start-up, told apart so only a real configuration mistake is
 * marked permanent: a bad token (TokenInvalid, a 401, gateway close 4004), intents the portal has
 * not enabled (close 4014), another 4xx (Discord answered and refused), or anything else, which is
 * Discord or the network being unavailable.
 * `closeCode` is the gateway's last unrecoverable close code, when there was one.
 */
export function loginFailure(error: unknown, apiUrl: string, closeCode?: number): FeelbotError {
  const reason = error instanceof Error ? error.message : String(error);
  if (closeCode === GatewayCloseCodes.DisallowedIntents) {
    return new FeelbotError(
      ErrorCodes.ConfigInvalid,
      `Discord refused the gateway intents (close code 4014). Enable ${privilegedIntentNames()} for the bot under Bot → Privileged Gateway Intents at ${PORTAL_URL}.`,
      { cause: error, userFacing: true, permanent: true },
    );
  }
  if (error instanceof RateLimitError) {
    const seconds = Math.ceil(rateLimitWaitMs(error) / 1_000);
    return new FeelbotError(
      ErrorCodes.DiscordRateLimited,
      `Discord rate-limits the bot's start-up requests for ${seconds} s (many restarts or logins in a short time). The process exits so its supervisor can start it again later.`,
      { cause: error, userFacing: true, permanent: false, details: { retryAfterMs: rateLimitWaitMs(error) } },
    );
  }
  if (isTokenRejection(error, closeCode)) {
    return new FeelbotError(
      ErrorCodes.ConfigInvalid,
      `Discord refused the login (${reason}). Check DISCORD_TOKEN: reset it under Bot at ${PORTAL_URL} if it was revoked.`,
      { cause: error, userFacing: true, permanent: true },
    );
  }
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

function isTokenRejection(error: unknown, closeCode: number | undefined): boolean {
  if (closeCode === GatewayCloseCodes.AuthenticationFailed) return true;
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) return true;
  return error instanceof DiscordAPIError && error.status === 401;
}

function privilegedIntentNames(): string {
  const names = GATEWAY_INTENTS.flatMap((intent) => PRIVILEGED_INTENT_NAMES.get(intent) ?? []);
  return names.join(' and ');
}
