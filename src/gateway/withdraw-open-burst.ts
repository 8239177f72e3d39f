import type { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import type { ReplyQueue } from '../ports/reply-queue.js';

export interface OpenBurstDeps {
  readonly queue: Pick<ReplyQueue, 'withdraw' | 'settle'>;
  readonly bursts: Pick<BurstBuffer, 'messageIdsOf' | 'forget' | 'exclusively'>;
}

/**
 * Takes back the author's open burst where the bot no longer speaks (the place was turned off
 * while it was open): its waiting job and its buffered messages leave Redis now, text and all,
 * rather than when the window ends and a worker skips the job. No reply is wanted, so nothing of it
 * is queued again. The messages are not marked deleted: they still stand in Discord, and other
 * replies may quote them. Safe to repeat: the job goes before the burst that names its messages.
 * Returns the ids of the jobs withdrawn (none when the job was already with a worker, which skips it).
 * One step on the burst (BurstBuffer.exclusively), as queueing and editing are: another gateway's
 * step cannot queue the burst again between the reading of its messages and their withdrawal.
 */
export function withdrawOpenBurst(channelId: string, authorId: string, deps: OpenBurstDeps): Promise<string[]> {
  return deps.bursts.exclusively(channelId, authorId, () => withdrawNow(channelId, authorId, deps));
}

async function withdrawNow(channelId: string, authorId: string, deps: OpenBurstDeps): Promise<string[]> {
  const messageIds = await deps.bursts.messageIdsOf(channelId, authorId);
  if (messageIds.length === 0) return [];
  const withdrawn = await deps.queue.withdraw(messageIds);
  for (const { jobId } of withdrawn) await deps.queue.settle(jobId);
  // Only these: one another gateway added meanwhile stays for the author's next message to find.
  await deps.bursts.forget(channelId, authorId, messageIds);
  return withdrawn.map(({ jobId }) => jobId);
}
