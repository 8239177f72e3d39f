import { contextIdsOf } from './conversation-state.js';
import { lookupSignal, waitedPastMarkers } from './long-wait.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';

type LookupDeps = Pick<MessageJobDeps, 'messageLookup' | 'logger'>;

/**
 * The job with only the context Discord still lists, when it was received longer ago than
 * MARKERS_TRUSTED_MS: another member's message deleted while it waited may have outlived its
 * marker. One page of the channel is asked for, ending at the newest message quoted; an entry not
 * on it (deleted, further back than the page reaches, or queued without an id) is dropped, and all
 * of them when Discord gives no answer (403, an outage, a timeout): a reply without its context is
 * better than one that quotes a deleted message. A thread's starter, quoted atop a thread's context,
 * is asked for in the parent channel, at the same time. A fresh job, or one without context, asks nothing.
 */
export async function confirmedContext(job: ParsedMessageJob, deps: LookupDeps, signal?: AbortSignal): Promise<ParsedMessageJob> {
  const waitedMs = waitedPastMarkers(job, deps);
  const lookup = deps.messageLookup;
  if (waitedMs === undefined || !lookup || job.context.length === 0) return job;
  const starter = threadStarterIdOf(job);
  const quoted = contextIdsOf(job).filter((id) => id !== starter);
  const [page, starterKept] = await Promise.all([
    quoted.length === 0 ? undefined : lookup.pageThrough(job.channelId, newestOf(quoted), lookupSignal(signal)),
    starter !== undefined && job.parentId !== null ? lookup.existence(job.parentId, starter, lookupSignal(signal)).then((found) => found.state === 'exists') : false,
  ]);
  const listed = new Set(page?.state === 'listed' ? page.messageIds : []);
  if (starter !== undefined && starterKept) listed.add(starter);
  const context = job.context.filter((message) => message.messageId !== undefined && listed.has(message.messageId));
  const dropped = job.context.length - context.length;
  if (dropped === 0) return job;
  const unanswered = page?.state === 'unsure' ? { err: page.error } : {};
  deps.logger.info({ dropped, kept: context.length, waitedMs, ...unanswered }, 'context of a long-waiting reply that Discord did not confirm is still there: left out of its prompt');
  return { ...job, context };
}

/**
 * The id of the thread's starter when the context quotes it (thread-starter.ts): the message in the
 * parent channel the thread was started from, whose id the thread took. No page of the thread lists
 * it, so it is asked for in the parent channel.
 */
function threadStarterIdOf(job: ParsedMessageJob): string | undefined {
  return job.isThread && job.context.some((message) => message.messageId === job.channelId) ? job.channelId : undefined;
}

/** Snowflakes sort by time; compared as bigints, since they outgrow doubles. */
function newestOf(ids: readonly string[]): string {
  return ids.reduce((newest, id) => (BigInt(id) > BigInt(newest) ? id : newest));
}
