import { Routes, type REST } from 'discord.js';
import type { Config } from '../../config.js';

/**
 * The bot's application id with no guess: from config when set, else as Discord answers
 * GET /applications/@me; rejects with Discord's error when it cannot say. For what a wrong id
 * would make lasting, as the QUEUE_PREFIX claim.
 */
export async function certainApplicationId(rest: REST, config: Config): Promise<string> {
  const known = config.discord.applicationId;
  if (known) return known;
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  return app.id;
}

/**
 * The bot's application id: from config when set, else asked of Discord once, else read from the
 * token, whose first part is the bot's user id in base64 (the same id for bots made since 2019).
 */
export function applicationIdResolver(rest: REST, config: Config): () => Promise<string> {
  const known = config.discord.applicationId;
  let id: Promise<string> | undefined = known ? Promise.resolve(known) : undefined;
  return () => {
    id ??= certainApplicationId(rest, config).catch((error: unknown) => idFromToken(config.discord.token) ?? Promise.reject(error));
    id.catch(() => {
      id = undefined;
    });
    return id;
  };
}

function idFromToken(token: string | undefined): string | undefined {
  const decoded = Buffer.from(token?.split('.')[0] ?? '', 'base64').toString('utf8');
  return /^\d{17,20}$/.test(decoded) ? decoded : undefined;
}
