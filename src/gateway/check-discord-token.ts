import { Routes } from 'discord.js';
import { createDiscordRest } from '../adapters/discord/discord-rest.js';
import { loginFailure } from './login-failure.js';

/**
 * Asks Discord who the token belongs to (GET /users/@me), so a mistyped token fails in seconds,
 * before minutes of model loading; fails with the same errors as the gateway's login.
 */
export async function checkDiscordToken(apiUrl: string, token: string): Promise<void> {
  try {
    await createDiscordRest(apiUrl, token).get(Routes.user('@me'));
  } catch (error) {
    throw loginFailure(error, apiUrl);
  }
}
