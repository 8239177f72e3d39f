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
 * is asked for in the parent channel too, at the same time, and kept if either lists it. A fresh job, or one without context, asks nothing.
 */
export async function confirmedContext(job: ParsedMessageJob, deps: LookupDeps, signal?: AbortSignal): Promise<ParsedMessageJob> {
  const waitedMs = waitedPastMarkers(job, deps);
  const lookup = deps.messageLookup;
  if (waitedMs === undefined || !lookup || job.context.length === 0) return job;
  const starter = threadStarterIdOf(job);
  const quoted = contextIdsOf(job);
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
 * The id of the message that opened the thread, when the context quotes it: a thread started from a
 * message quotes that message (thread-starter.ts), which lives in the parent channel, so no page of
 * the thread lists it and it is asked for there too; a forum post's opening message has the same id
 * and lives in the post itself, where the thread's page lists it.
 */
function threadStarterIdOf(job: ParsedMessageJob): string | undefined {
  return job.isThread && job.context.some((message) => message.messageId === job.channelId) ? job.channelId : undefined;
}

/** Snowflakes sort by time; compared as bigints, since they outgrow doubles. */
function newestOf(ids: readonly string[]): string {
  return ids.reduce((newest, id) => (BigInt(id) > BigInt(newest) ? id : newest));
}
