/**
 * Messages their authors (or moderators) deleted, shared by gateways and workers: a reply still
 * queued or being written for one of them is dropped, so removed text is never answered or echoed.
 */
export interface DeletedMessages {
  mark(messageIds: readonly string[]): Promise<void>;
  /** Those of these messages that were deleted. */
  deletedAmong(messageIds: readonly string[]): Promise<string[]>;
}

/** For `feelbot chat`: nothing in a terminal is ever deleted. */
export const NO_DELETIONS: DeletedMessages = {
  mark: async () => undefined,
  deletedAmong: async () => [],
};
