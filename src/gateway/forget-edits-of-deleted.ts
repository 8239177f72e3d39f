import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { EditedMessages } from '../ports/edited-messages.js';

/**
 * Deletion marks that also take a deleted message's edited text out of Redis: a deleted message's
 * text leaves Redis, its newest one included. Safe to repeat, as the deletion handler may.
 */
export function forgettingEdits(deleted: DeletedMessages, edited: Pick<EditedMessages, 'forget'>): DeletedMessages {
  return {
    mark: async (messageIds) => {
      await deleted.mark(messageIds);
      await edited.forget(messageIds);
    },
    deletedAmong: (messageIds) => deleted.deletedAmong(messageIds),
  };
}
