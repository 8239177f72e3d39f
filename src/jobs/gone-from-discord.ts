import { ErrorCodes } from '../errors.js';
import { blockedReason } from './blocked-places.js';
import { answeredBy } from './conversation-state.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';
import { lookupSignal, waitedPastMarkers } from './long-wait.js';
import { replyTargetOf } from './reply-target.js';
import { PLACE_DELETED } from './watch-for-deletion.js';

type LookupDeps = Pick<MessageJobDeps, 'messageLookup' | 'blocks' | 'logger'>;

/**
 * The messages of a job received longer ago than MARKERS_TRUSTED_MS that Discord no longer has
 * (those `marked` deleted are not asked about), each asked once; PLACE_DELETED when Discord no
 * longer has its thread or channel, deleted while no gateway ran to see it, which is then blocked
 * as a gateway blocks it, so the place's other old jobs skip without asking. A fresh job, the
 * normal case, asks nothing: the gateway's markers still tell its deletions. Nor does a job whose
 * place is blocked already, skipped further on (blockedReason).
 */
export async function goneFromDiscord(
  queued: ParsedMessageJob,
  marked: readonly string[],
  deps: LookupDeps,
  signal?: AbortSignal,
): Promise<readonly string[] | typeof PLACE_DELETED> {
  const waitedMs = waitedPastMarkers(queued, deps);
  if (waitedMs === undefined || !deps.messageLookup) return [];
  const unmarked = answeredBy(queued).filter((id) => !marked.includes(id));
  if (unmarked.length === 0 || (await blockedReason(queued, replyTargetOf(queued), deps))) return [];
  const asking = lookupSignal(signal);
  const gone: string[] = [];
  for (const messageId of unmarked) {
    const found = await deps.messageLookup.existence(queued.channelId, messageId, asking);
    if (found.state === 'channel-gone') return placeDeleted(queued, waitedMs, deps);
    if (found.state === 'unsure') {
      // A 403 (no Read Message History), a 5xx or a timeout tells nothing: the reply goes on as it did before the question, and the rest would meet the same.
      deps.logger.debug({ err: found.error, messageId, waitedMs }, 'could not ask Discord whether a long-waiting reply\'s message is still there');
      break;
    }
    if (found.state === 'message-gone') gone.push(messageId);
  }
  if (gone.length > 0) deps.logger.info({ messageIds: gone, waitedMs }, 'messages a reply waited for were deleted longer ago than deletions are remembered: not answered');
  return gone;
}

/** Blocks the deleted thread or channel, as the gateway does on CHANNEL_DELETE; a DM is never blocked. */
async function placeDeleted(queued: ParsedMessageJob, waitedMs: number, deps: LookupDeps): Promise<typeof PLACE_DELETED> {
  deps.logger.info({ channelId: queued.channelId, waitedMs }, 'the thread or channel of a long-waiting reply was deleted while no gateway saw it: blocked');
  if (queued.guildId) await deps.blocks.block(queued.channelId, ErrorCodes.ChannelDeleted);
  return PLACE_DELETED;
}
