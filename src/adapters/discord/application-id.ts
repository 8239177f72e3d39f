import { Routes, type REST } from 'discord.js';
import type { Config } from '../../config.js';

/**
 * The bot's application id: from config when set, else asked of Discord once, else read from the
 * token, whose first part is the bot's user id in base64 (the same id for bots made since 2019).
 */
export function applicationIdResolver(rest: REST, config: Config): () => Promise<string> {
  const known = config.discord.applicationId;
  let id: Promise<string> | undefined = known ? Promise.resolve(known) : undefined;
  return () => {
    id ??= (rest.get(Routes.currentApplication()) as Promise<{ id: string }>).then(
      (app) => app.id,
      (error: unknown) => idFromToken(config.discord.token) ?? Promise.reject(error),
    );
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
