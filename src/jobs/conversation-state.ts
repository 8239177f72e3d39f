import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';

/** The messages a job's reply answers: its own and its burst's. */
export function answeredBy(job: ParsedMessageJob): string[] {
  return [job.messageId, ...job.burst];
}

/** A conversation as a try read it: its deleted messages and the newest text of its edited ones. */
export interface ConversationState {
  readonly deletedIds: readonly string[];
  readonly edits: ReadonlyMap<string, string>;
}

/** The job's conversation as it reads now: which of its messages (and its burst's) are deleted, and what the edited ones say. */
export async function conversationState(queued: ParsedMessageJob, deps: Pick<MessageJobDeps, 'deleted' | 'edited'>): Promise<ConversationState> {
  const contextIds = contextIdsOf(queued);
  const [deletedIds, edits] = await Promise.all([deps.deleted.deletedAmong([...answeredBy(queued), ...contextIds]), deps.edited.editsAmong(contextIds)]);
  return { deletedIds, edits };
}

export function contextIdsOf(job: ParsedMessageJob): string[] {
  return job.context.flatMap((message) => (message.messageId ? [message.messageId] : []));
}

/** True when a message of the conversation was deleted or edited since `before` was read. */
export function contextChanged(before: ConversationState, now: ConversationState, contextIds: readonly string[]): boolean {
  const deletedBefore = new Set(before.deletedIds);
  return contextIds.some((id) => (now.deletedIds.includes(id) && !deletedBefore.has(id)) || now.edits.get(id) !== before.edits.get(id));
}
