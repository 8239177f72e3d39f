import { GatewayDispatchEvents, type Client } from 'discord.js';
import { errorCodeOf } from '../errors.js';
import { blockLeftServer, liftLeftServer } from '../jobs/blocked-places.js';
import type { LiftableBlocks } from '../ports/channel-blocks.js';
import type { LeftGuildJobs } from '../ports/left-guild-jobs.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsDeletion } from '../ports/settings-store.js';
import type { WebhookCache } from '../ports/webhook-cache.js';
import { drainable, type Drainable } from './drainable.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';
import { SerialByKey } from '../serial-by-key.js';

/** A raw GUILD_DELETE: the bot left the guild (kicked, banned, the guild deleted), or an outage made it unavailable. */
export interface GuildDeletion {
  readonly guildId: string;
  /** True in an outage: the guild comes back with a GUILD_CREATE, and nothing of it is deleted. */
  readonly unavailable: boolean;
  /** The guild's channels and threads the gateway held when the event came; none when not given. */
  readonly channelIds?: readonly string[];
}

/** A raw GUILD_CREATE: the bot is in the guild, whether it joined, was added again, or the guild came back from an outage. */
export interface GuildArrival {
  readonly guildId: string;
  readonly arrived: true;
}

export type GuildMembershipEvent = GuildDeletion | GuildArrival;

export interface GuildRemovalDeps {
  readonly settings: SettingsDeletion;
  /** The workers' cached webhooks (tokens too) of the guild's channels. */
  readonly webhooks: WebhookCache;
  /** Where the guild is blocked as left, so that none of its replies still queued or being written is posted; lifted when the bot is back. */
  readonly blocks: Pick<LiftableBlocks, 'block' | 'unblock'>;
  /** The guild's jobs (its members' text, names, ids and context), set aside before the lift, then removed. */
  readonly jobs: Pick<LeftGuildJobs, 'setAside' | 'removeSetAside'>;
  readonly logger: Logger;
  /** Aborted when the gateway stops: a deletion still waiting for Redis then gives up at once, and a removal of jobs stops between batches. */
  readonly shutdown?: AbortSignal;
}

/** Settles, on drain, once every GUILD_DELETE and GUILD_CREATE handed in has been handled or given up. */
export type GuildRemovalHandler = Drainable<GuildMembershipEvent>;

/**
 * A guild the bot leaves is blocked as left (GUILD_LEFT) and has its members' queued jobs removed,
 * its settings, and the workers' cached webhooks of its channels, deleted: nothing needs them any
 * more (Discord's developer policy asks for such data to go), and the settings would come back to
 * life if the bot were invited again. A GUILD_CREATE lifts the block at once: the bot is in the guild
 * again. Every gateway sees the events; handling one twice is harmless. Like a deleted channel, each
 * waits for Redis to come back.
 */
export function createGuildRemovalHandler(deps: GuildRemovalDeps): GuildRemovalHandler {
  // One guild's events in their order: a block still waiting for Redis never lands after the bot's return lifted it.
  const serial = new SerialByKey();
  return drainable(async (event: GuildMembershipEvent) => {
    if ('arrived' in event) return serial.run(event.guildId, () => liftLeftBlock(event.guildId, deps));
    // Only the quick steps are ordered before a later lift; the jobs' removal, however long, runs beside it.
    const deleted = await serial.run(event.guildId, () => blockLeftGuild(event, deps));
    if (deleted) await removeSetAsideJobs(event.guildId, deleted, deps);
  });
}

/** Hands every GUILD_DELETE, with the guild's channels the client holds, and every GUILD_CREATE to `handler`; returns what stops listening. */
export function listenForGuildRemovals(client: Client, handler: GuildRemovalHandler): () => void {
  const onDelete = (data: unknown) => {
    const deletion = guildDeletionOf(data);
    // Read now: the raw event comes just before discord.js drops the guild and its channels from its cache.
    const channels = deletion && !deletion.unavailable ? client.guilds.cache.get(deletion.guildId)?.channels.cache : undefined;
    if (deletion) void handler({ ...deletion, channelIds: [...(channels?.keys() ?? [])] });
  };
  const onCreate = (data: unknown) => {
    // Unavailable or not, Discord sends a guild's GUILD_CREATE only while the bot is in it.
    const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
    if (typeof id === 'string') void handler({ guildId: id, arrived: true });
  };
  client.ws.on(GatewayDispatchEvents.GuildDelete, onDelete);
  client.ws.on(GatewayDispatchEvents.GuildCreate, onCreate);
  return () => {
    client.ws.off(GatewayDispatchEvents.GuildDelete, onDelete);
    client.ws.off(GatewayDispatchEvents.GuildCreate, onCreate);
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

/** What was deleted of a guild the bot left before its jobs' removal. */
interface DeletedSettings {
  readonly hadSettings: boolean;
  readonly cachedWebhookChannels: number;
}

/**
 * Blocks a guild the bot left, deletes its settings and cached webhooks, and sets its jobs aside;
 * undefined unless all that was done. Never rejects: what cannot be deleted is logged with its code,
 * and stays. The cached webhooks of channels the gateway did not hold (the guild never available to
 * it) expire on their own. Ordered before a GUILD_CREATE's lift, and quick (a command each): settings
 * made after the bot's return are never deleted, and the jobs set aside are those queued before it.
 */
async function blockLeftGuild({ guildId, unavailable, channelIds = [] }: GuildDeletion, deps: GuildRemovalDeps): Promise<DeletedSettings | undefined> {
  const log = deps.logger.child({ guildId });
  if (unavailable) {
    log.debug('a guild is unavailable (a Discord outage); its settings stay');
    return undefined;
  }
  try {
    const retry = { signal: deps.shutdown, logger: log };
    // First: a worker may be about to take one of the guild's replies.
    await retryWhileRedisDown(() => blockLeftServer(guildId, deps.blocks), retry);
    const hadSettings = await retryWhileRedisDown(() => deps.settings.delete(guildId), retry);
    const cachedWebhookChannels = await retryWhileRedisDown(() => deps.webhooks.forgetChannels(channelIds), retry);
    await retryWhileRedisDown(() => deps.jobs.setAside(guildId), retry);
    return { hadSettings, cachedWebhookChannels };
  } catch (error) {
    log.error({ err: error, code: errorCodeOf(error) }, 'could not delete the settings of a guild the bot left');
    return undefined;
  }
}

/**
 * Never rejects. A job a worker holds stays with it, and is not posted: the worker checks the block
 * before it posts. What a failure or a stop leaves set aside, the next READY's sweep removes.
 */
async function removeSetAsideJobs(guildId: string, deleted: DeletedSettings, deps: GuildRemovalDeps): Promise<void> {
  const log = deps.logger.child({ guildId });
  try {
    const jobs = await retryWhileRedisDown(() => deps.jobs.removeSetAside(guildId, deps.shutdown), { signal: deps.shutdown, logger: log });
    const removal = { removedJobs: jobs.removed, heldJobs: jobs.held, stopped: jobs.stopped };
    log.info({ ...deleted, ...removal }, 'deleted the settings of a guild the bot left');
  } catch (error) {
    log.error({ err: error, code: errorCodeOf(error) }, 'could not remove the queued jobs of a guild the bot left');
  }
}

/** Never rejects: a block that cannot be lifted is logged with its code; the next GUILD_CREATE (every session's start) tries again. */
async function liftLeftBlock(guildId: string, deps: GuildRemovalDeps): Promise<void> {
  const log = deps.logger.child({ guildId });
  try {
    const lifted = await retryWhileRedisDown(() => liftLeftServer(guildId, deps.blocks), { signal: deps.shutdown, logger: log });
    if (lifted) log.info('lifted the block of a guild the bot is in again');
  } catch (error) {
    log.error({ err: error, code: errorCodeOf(error) }, 'could not lift the block of a guild the bot is in again');
  }
}
