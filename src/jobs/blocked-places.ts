import { ErrorCodes, isFeelbotError, type FeelbotError } from '../errors.js';
import type { ChannelBlocks, LiftableBlocks } from '../ports/channel-blocks.js';
import type { ReplyTarget } from '../ports/persona-replier.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';
import { storedGuildId } from './stored-guild-id.js';

/**
 * A whole server as a blocked place. Not its bare id: a server made before 2017 shares its id
 * with its first channel, whose own block would then stop every channel of the server.
 */
function serverPlace(guildId: string): string {
  return `server:${guildId}`;
}

/** Blocks a server that removed the bot: its replies still queued, or being written, are not posted. */
export async function blockLeftServer(guildId: string, blocks: Pick<ChannelBlocks, 'block'>): Promise<void> {
  await blocks.block(serverPlace(guildId), ErrorCodes.GuildLeft);
}

/**
 * Whether the job's server removed the bot, asked of its block alone: a block of its channel would
 * hide it from blockedReason. A reply job or a /feel; never for a DM.
 */
export async function serverLeft(job: { readonly guildId: string | null }, deps: { readonly blocks: Pick<ChannelBlocks, 'blockedBy'> }): Promise<boolean> {
  return job.guildId !== null && (await deps.blocks.blockedBy([serverPlace(job.guildId)])) === ErrorCodes.GuildLeft;
}

/**
 * Whether a job that has left its worker, read from its stored data, is of a server that removed
 * the bot: the gateway could not remove it while a worker held it, so it leaves Redis now rather
 * than after its retention. Never for a DM, nor for data that names no server.
 */
export async function ofLeftServer(data: unknown, deps: { readonly blocks: Pick<ChannelBlocks, 'blockedBy'> }): Promise<boolean> {
  const guildId = storedGuildId(data);
  return guildId !== undefined && (await serverLeft({ guildId }, deps));
}

/** Lifts the block of a server that has the bot again; an admin's block of the server stays. True when one was lifted. */
export function liftLeftServer(guildId: string, blocks: Pick<LiftableBlocks, 'unblock'>): Promise<boolean> {
  return blocks.unblock(serverPlace(guildId), ErrorCodes.GuildLeft);
}

/** The channel an admin's problem is about, as the error names it; else the one replied in. */
function placeOf(error: FeelbotError, channelId: string): string {
  const named = error.details.channelId;
  return typeof named === 'string' ? named : channelId;
}

/** A failure only an admin can fix, which retrying would not. */
export function isAdminProblem(error: unknown): error is FeelbotError {
  return isFeelbotError(error, ErrorCodes.WebhookLimitReached) || isFeelbotError(error, ErrorCodes.DiscordPermissionMissing);
}

/**
 * Why no reply is written for this job, before any is: `channel-deleted` when the gateway saw its
 * thread or channel, or a thread's parent (whose threads go with it, unannounced), deleted;
 * `left-server` when the gateway saw the server remove the bot; `cannot-post` when the last post
 * failed for want of an admin's fix (a permission, the webhook limit) where this job posts: its
 * channel or thread, the channel whose webhooks a thread's reply uses, or the whole server.
 * Undefined otherwise, and always for a DM.
 */
export async function blockedReason(job: ParsedMessageJob, target: ReplyTarget, deps: Pick<MessageJobDeps, 'blocks'>): Promise<'channel-deleted' | 'left-server' | 'cannot-post' | undefined> {
  const places = placesOf(job, target);
  if (places.length === 0) return undefined;
  const code = await deps.blocks.blockedBy(places);
  if (code === undefined) return undefined;
  if (code === ErrorCodes.ChannelDeleted) return 'channel-deleted';
  return code === ErrorCodes.GuildLeft ? 'left-server' : 'cannot-post';
}

/**
 * The places whose block stops this job's reply: its channel or thread, a thread's parent channel,
 * and the whole server; none for a DM, which is never blocked.
 */
export function placesOf(job: ParsedMessageJob, target: ReplyTarget): string[] {
  if (!job.guildId) return [];
  // The deleted place comes first: only a thread or a channel is deleted, never the server.
  return [job.channelId, ...(target.threadParentId ? [target.threadParentId] : []), serverPlace(job.guildId)];
}

/**
 * Blocks the place an admin's problem is about and tells the admins, once. Both go under that
 * place: for a thread's reply it is often its parent channel, whose webhooks it uses, so its other
 * threads are blocked and reported with it.
 */
export async function blockForAdmins(error: FeelbotError, guildId: string, channelId: string, deps: Pick<MessageJobDeps, 'blocks' | 'notifier'>): Promise<void> {
  const about = placeOf(error, channelId);
  const place = error.details.scope === 'server' ? serverPlace(guildId) : about;
  await deps.blocks.block(place, error.code);
  await deps.notifier.notify({ guildId, channelId: about, place, code: error.code, message: error.message });
}
