import type { MessageQueue } from '../adapters/bullmq/message-queue.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { Logger } from '../ports/logger.js';

export interface DeletionDeps {
  readonly deleted: DeletedMessages;
  readonly queue: Pick<MessageQueue, 'withdraw'>;
  readonly logger: Logger;
}

/**
 * MESSAGE_DELETE and MESSAGE_DELETE_BULK: a deleted message is never answered, and its text
 * leaves Redis. It is marked for the worker, which checks before it writes and before it posts a
 * reply already under way; a reply job not yet started is withdrawn, text and all.
 */
export function createDeletionHandler(deps: DeletionDeps): (messageIds: string[]) => Promise<void> {
  return async (messageIds) => {
    try {
      await deps.deleted.mark(messageIds);
      const withdrawn = await deps.queue.withdraw(messageIds);
      if (withdrawn.length > 0) deps.logger.info({ messageIds, withdrawn }, 'withdrew replies to deleted messages');
    } catch (error) {
      deps.logger.warn({ err: error, messageIds }, 'could not record deleted messages');
    }
  };
}
