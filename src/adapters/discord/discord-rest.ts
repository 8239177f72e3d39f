import { REST } from 'discord.js';

/** @discordjs/rest retries 5xx and waits out 429s itself; 3 retries matches its default. */
const REST_RETRIES = 3;
/** Long enough for a slow webhook execute, short enough that a hung request frees the worker. */
const REST_TIMEOUT_MS = 15_000;

export function createDiscordRest(apiUrl: string, token: string): REST {
  return new REST({ api: apiUrl, retries: REST_RETRIES, timeout: REST_TIMEOUT_MS }).setToken(token);
}
