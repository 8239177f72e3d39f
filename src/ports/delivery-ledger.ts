/**
 * Remembers which messages were answered, so a retried or re-run job never posts twice.
 * Shared by every worker (Redis), because any worker may pick up a job another one started.
 */
export interface DeliveryLedger {
  /** The id of the reply already posted for `messageId`, if any. */
  find(messageId: string): Promise<string | undefined>;
  record(messageId: string, replyId: string): Promise<void>;
  /**
   * Notes a reply about to be posted. A post that fails with no answer from Discord (a 5xx, a
   * timeout) may still have landed; the next attempt then looks for it before posting again.
   */
  recordAttempt(messageId: string, attempt: PostAttempt): Promise<void>;
  findAttempt(messageId: string): Promise<PostAttempt | undefined>;
}

/** A reply as it was sent to Discord: its text, whose voice, and when (epoch ms). */
export interface PostAttempt {
  readonly content: string;
  readonly persona: string;
  readonly startedAt: number;
}
