import { GatewayCloseCodes, GatewayIntentBits } from 'discord.js';
import { startUpRequestFailure, tokenRefused } from '../adapters/discord/start-up-request-failure.js';
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
 * Why Discord turned the bot away at start-up: intents the portal has not enabled (close 4014), a
 * bad token (gateway close 4004), else as any start-up request (startUpRequestFailure).
 * `closeCode` is the gateway's last unrecoverable close code, when there was one.
 */
export function loginFailure(error: unknown, apiUrl: string, closeCode?: number): FeelbotError {
  if (closeCode === GatewayCloseCodes.DisallowedIntents) {
    return new FeelbotError(
      ErrorCodes.ConfigInvalid,
      `Discord refused the gateway intents (close code 4014). Enable ${privilegedIntentNames()} for the bot under Bot → Privileged Gateway Intents at ${PORTAL_URL}.`,
      { cause: error, userFacing: true, permanent: true },
    );
  }
  if (closeCode === GatewayCloseCodes.AuthenticationFailed) return tokenRefused(error);
  return startUpRequestFailure(error, apiUrl);
}

function privilegedIntentNames(): string {
  const names = GATEWAY_INTENTS.flatMap((intent) => PRIVILEGED_INTENT_NAMES.get(intent) ?? []);
  return names.join(' and ');
}
