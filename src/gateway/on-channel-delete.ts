import { GatewayDispatchEvents, type Client } from 'discord.js';
import { namesChannel, withoutChannel } from '../domain/guild-settings.js';
import { ErrorCodes, errorCodeOf } from '../errors.js';
import type { ChannelBlocks } from '../ports/channel-blocks.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsStore } from '../ports/settings-store.js';
import type { WebhookCache } from '../ports/webhook-cache.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';
import { drainable, type Drainable } from './drainable.js';

/** A guild channel, category or thread Discord says is gone. */
export interface DeletedChannel {
  readonly guildId: string;
  readonly channelId: string;
}

export interface ChannelDeletionDeps {
  readonly settings: Pick<SettingsStore, 'get' | 'update'>;
  /** The workers' cached webhooks of the place (their tokens too): nothing posts there any more. */
  readonly webhooks: WebhookCache;
  /** Where the place is blocked, so that its waiting replies are skipped before they are written. */
  readonly blocks: Pick<ChannelBlocks, 'block'>;
  readonly logger: Logger;
  /** Aborted when the gateway stops: a deletion still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

/** Settles, on drain, once every deletion handed in has been handled or given up. */
export type ChannelDeletionHandler = Drainable<DeletedChannel>;

/**
 * The raw dispatches, not discord.js's ChannelDelete and ThreadDelete: those fire only for a
 * channel in the client's cache, and an archived thread is not in it.
 */
const DELETION_EVENTS = [GatewayDispatchEvents.ChannelDelete, GatewayDispatchEvents.ThreadDelete] as const;

/**
 * CHANNEL_DELETE and THREAD_DELETE: the place is blocked (CHANNEL_DELETED), since Discord sends no
 * MESSAGE_DELETE for its messages and the replies waiting there would otherwise still be written;
 * its own mode, and the log channel when it was that place, leave the guild's settings, since no
 * channel picker can name a deleted channel for an admin to clear them; the workers' cached
 * webhooks of the place go too. Every gateway sees the event, and handling it twice leaves the same
 * blocks and settings: one that finds nothing named writes nothing. Like a deleted message, it
 * waits for Redis to come back.
 */
export function createChannelDeletionHandler(deps: ChannelDeletionDeps): ChannelDeletionHandler {
  return drainable((deleted: DeletedChannel) => forgetDeletedChannel(deleted, deps));
}

/** Hands every deleted guild channel and thread to `handler`; returns what stops listening. */
export function listenForDeletedChannels(client: Client, handler: ChannelDeletionHandler): () => void {
  const listener = (data: unknown) => {
    const deleted = deletedChannelOf(data);
    if (deleted) void handler(deleted);
  };
  for (const event of DELETION_EVENTS) client.ws.on(event, listener);
  return () => {
    for (const event of DELETION_EVENTS) client.ws.off(event, listener);
  };
}

/** The guild and channel a CHANNEL_DELETE or THREAD_DELETE names; undefined for a DM's, which has no settings. */
export function deletedChannelOf(data: unknown): DeletedChannel | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { id, guild_id: guildId } = data as { id?: unknown; guild_id?: unknown };
  return typeof id === 'string' && typeof guildId === 'string' ? { guildId, channelId: id } : undefined;
}

/** Never rejects: a block, settings or webhooks that cannot be written or cleaned are logged with their code. */
async function forgetDeletedChannel(deleted: DeletedChannel, deps: ChannelDeletionDeps): Promise<void> {
  const log = deps.logger.child({ guildId: deleted.guildId, channelId: deleted.channelId });
  try {
    // First: a worker may be about to take one of the place's replies.
    await retryWhileRedisDown(() => deps.blocks.block(deleted.channelId, ErrorCodes.ChannelDeleted), { signal: deps.shutdown, logger: log });
    log.debug('blocked the replies waiting in a deleted channel');
    const cachedWebhooks = await retryWhileRedisDown(() => deps.webhooks.forgetChannels([deleted.channelId]), { signal: deps.shutdown, logger: log });
    if (cachedWebhooks > 0) log.debug('forgot the cached webhooks of a deleted channel');
    const forgotten = await retryWhileRedisDown(() => forget(deleted, deps.settings), { signal: deps.shutdown, logger: log });
    if (forgotten) log.info(forgotten, 'forgot the settings of a deleted channel');
    else log.debug('a deleted channel had no settings');
  } catch (error) {
    log.error({ err: error, code: errorCodeOf(error) }, 'could not block a deleted channel or forget its settings or cached webhooks');
  }
}

/** What named the channel, now removed; undefined, with nothing written, when nothing did. Safe to repeat. */
async function forget({ guildId, channelId }: DeletedChannel, settings: ChannelDeletionDeps['settings']) {
  const current = await settings.get(guildId);
  if (!namesChannel(current, channelId)) return undefined;
  await settings.update(guildId, (latest) => withoutChannel(latest, channelId));
  return { mode: current.modes[channelId], logChannel: current.logChannelId === channelId };
}
