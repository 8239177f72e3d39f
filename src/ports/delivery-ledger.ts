/**
 * Remembers which messages were answered, so a retried or re-run job never posts twice.
 * Shared by every worker (Redis), because any worker may pick up a job another one started.
 */
export interface DeliveryLedger {
  /** The id of the reply already posted for `messageId`, if any. */
  find(messageId: string): Promise<string | undefined>;
  record(messageId: string, replyId: string): Promise<void>;
}
