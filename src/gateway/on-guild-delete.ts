import { GatewayDispatchEvents, type Client } from 'discord.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsDeletion } from '../ports/settings-store.js';
import { drainable, type Drainable } from './drainable.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';

/** A raw GUILD_DELETE: the bot left the guild (kicked, banned, the guild deleted), or an outage made it unavailable. */
export interface GuildDeletion {
  readonly guildId: string;
  /** True in an outage: the guild comes back with a GUILD_CREATE, and nothing of it is deleted. */
  readonly unavailable: boolean;
}

export interface GuildRemovalDeps {
  readonly settings: SettingsDeletion;
  readonly logger: Logger;
  /** Aborted when the gateway stops: a deletion still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

/** Settles, on drain, once every GUILD_DELETE handed in has been handled or given up. */
export type GuildRemovalHandler = Drainable<GuildDeletion>;

/**
 * A guild the bot leaves has its settings deleted: nothing needs them any more (Discord's developer
 * policy asks for such data to go), and they would come back to life if the bot were invited again.
 * Every gateway sees the event; deleting twice is harmless. Like a deleted channel, it waits for Redis to come back.
 */
export function createGuildRemovalHandler(deps: GuildRemovalDeps): GuildRemovalHandler {
  return drainable((deletion: GuildDeletion) => handleGuildDeletion(deletion, deps));
}

/** Hands every GUILD_DELETE to `handler`; returns what stops listening. */
export function listenForGuildRemovals(client: Client, handler: GuildRemovalHandler): () => void {
  const listener = (data: unknown) => {
    const deletion = guildDeletionOf(data);
    if (deletion) void handler(deletion);
  };
  client.ws.on(GatewayDispatchEvents.GuildDelete, listener);
  return () => {
    client.ws.off(GatewayDispatchEvents.GuildDelete, listener);
  };
}

/**
 * The guild a GUILD_DELETE names, and whether it is only unavailable: Discord sets `unavailable:
 * true` for an outage and leaves the field out when the bot was removed.
 */
export function guildDeletionOf(data: unknown): GuildDeletion | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { id, unavailable } = data as { id?: unknown; unavailable?: unknown };
  return typeof id === 'string' ? { guildId: id, unavailable: unavailable === true } : undefined;
}

/** Never rejects: settings that cannot be deleted are logged with their code, and stay. */
async function handleGuildDeletion({ guildId, unavailable }: GuildDeletion, deps: GuildRemovalDeps): Promise<void> {
  const log = deps.logger.child({ guildId });
  if (unavailable) {
    log.debug('a guild is unavailable (a Discord outage); its settings stay');
    return;
  }
  try {
    const hadSettings = await retryWhileRedisDown(() => deps.settings.delete(guildId), { signal: deps.shutdown, logger: log });
    log.info({ hadSettings }, 'deleted the settings of a guild the bot left');
  } catch (error) {
    log.error({ err: error, code: errorCodeOf(error) }, 'could not delete the settings of a guild the bot left');
  }
}
