import type { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import type { MessageText } from '../jobs/message-job.js';
import type { ReplyQueue } from '../ports/reply-queue.js';

export interface BurstEditDeps {
  readonly queue: Pick<ReplyQueue, 'carrierOf' | 'revise'>;
  readonly bursts: Pick<BurstBuffer, 'revise' | 'exclusively'>;
}

/** The message an author edited, and where its burst is kept. */
export interface EditedMessage {
  readonly channelId: string;
  readonly authorId: string;
  readonly messageId: string;
}

/**
 * Gives an edited message its new text in its author's open burst and in the job that carries it,
 * as one step on the burst (BurstBuffer.exclusively): a job another gateway queues for the burst
 * meanwhile is either built from the new text or is the job revised here. Returns the carrier
 * revised, or undefined when none waits any more (its reply is under way or done).
 */
export function reviseInBurst(edit: EditedMessage, text: MessageText, deps: BurstEditDeps): Promise<string | undefined> {
  return deps.bursts.exclusively(edit.channelId, edit.authorId, async () => {
    // Read under the lock: a newer message of the burst may have moved the text to its own job.
    const carrier = await deps.queue.carrierOf(edit.messageId);
    if (!carrier) return undefined;
    await deps.bursts.revise(edit.channelId, edit.authorId, edit.messageId, text);
    return deps.queue.revise(carrier, edit.messageId, text);
  });
}
