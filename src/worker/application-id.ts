import { Routes, type REST } from 'discord.js';
import type { Config } from '../config.js';

/** The bot's application id: from config when set, else asked of Discord once. */
export function applicationIdResolver(rest: REST, config: Config): () => Promise<string> {
  let id: Promise<string> | undefined = config.discord.applicationId ? Promise.resolve(config.discord.applicationId) : undefined;
  return () => {
    id ??= (rest.get(Routes.currentApplication()) as Promise<{ id: string }>).then((app) => app.id);
    id.catch(() => {
      id = undefined;
    });
    return id;
  };
}
