import type { ReplyTarget } from '../ports/persona-replier.js';
import type { ParsedMessageJob } from './message-job.js';

/** Where a job's reply goes: its channel, thread or DM, with a thread's parent, whose webhooks post in it. */
export function replyTargetOf(job: ParsedMessageJob): ReplyTarget {
  return { origin: job.origin, guildId: job.guildId, channelId: job.channelId, threadParentId: job.isThread ? job.parentId : null };
}
