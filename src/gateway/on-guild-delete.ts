import { GatewayDispatchEvents, type Client } from 'discord.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsDeletion } from '../ports/settings-store.js';
import type { WebhookCache } from '../ports/webhook-cache.js';
import { drainable, type Drainable } from './drainable.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';

/** A raw GUILD_DELETE: the bot left the guild (kicked, banned, the guild deleted), or an outage made it unavailable. */
export interface GuildDeletion {
  readonly guildId: string;
  /** True in an outage: the guild comes back with a GUILD_CREATE, and nothing of it is deleted. */
  readonly unavailable: boolean;
  /** The guild's channels and threads the gateway held when the event came; none when not given. */
  readonly channelIds?: readonly string[];
}

export interface GuildRemovalDeps {
  readonly settings: SettingsDeletion;
  /** The workers' cached webhooks (tokens too) of the guild's channels. */
  readonly webhooks: WebhookCache;
  readonly logger: Logger;
  /** Aborted when the gateway stops: a deletion still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

/** Settles, on drain, once every GUILD_DELETE handed in has been handled or given up. */
export type GuildRemovalHandler = Drainable<GuildDeletion>;

/**
 * A guild the bot leaves has its settings, and the workers' cached webhooks of its channels, deleted:
 * nothing needs them any more (Discord's developer policy asks for such data to go), and the settings
 * would come back to life if the bot were invited again.
 * Every gateway sees the event; deleting twice is harmless. Like a deleted channel, it waits for Redis to come back.
 */
export function createGuildRemovalHandler(deps: GuildRemovalDeps): GuildRemovalHandler {
  return drainable((deletion: GuildDeletion) => handleGuildDeletion(deletion, deps));
}

/** Hands every GUILD_DELETE to `handler`, with the guild's channels the client holds; returns what stops listening. */
export function listenForGuildRemovals(client: Client, handler: GuildRemovalHandler): () => void {
  const listener = (data: unknown) => {
    const deletion = guildDeletionOf(data);
    // Read now: the raw event comes just before discord.js drops the guild and its channels from its cache.
    const channels = deletion && !deletion.unavailable ? client.guilds.cache.get(deletion.guildId)?.channels.cache : undefined;
    if (deletion) void handler({ ...deletion, channelIds: [...(channels?.keys() ?? [])] });
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

/**
 * Never rejects: what cannot be deleted is logged with its code, and stays. The cached webhooks of
 * channels the gateway did not hold (the guild never available to it) expire on their own.
 */
async function handleGuildDeletion({ guildId, unavailable, channelIds = [] }: GuildDeletion, deps: GuildRemovalDeps): Promise<void> {
  const log = deps.logger.child({ guildId });
  if (unavailable) {
    log.debug('a guild is unavailable (a Discord outage); its settings stay');
    return;
  }
  try {
    const retry = { signal: deps.shutdown, logger: log };
    const hadSettings = await retryWhileRedisDown(() => deps.settings.delete(guildId), retry);
    const cachedWebhookChannels = await retryWhileRedisDown(() => deps.webhooks.forgetChannels(channelIds), retry);
    log.info({ hadSettings, cachedWebhookChannels }, 'deleted the settings of a guild the bot left');
  } catch (error) {
    log.error({ err: error, code: errorCodeOf(error) }, 'could not delete the settings of a guild the bot left');
  }
}
