import type { DeliveryLedger, PostAttempt } from '../ports/delivery-ledger.js';

/**
 * The delivery ledger of one `feelbot chat`, in the process's memory: the session's queue is its
 * own and only its own worker runs the jobs on it (retries and stalls included), so no other
 * process need read what it notes, and nothing of it (the replies' text, the message ids) is left
 * in Redis once the session ends, or if it is killed.
 */
export class SessionDeliveryLedger implements DeliveryLedger {
  private readonly answered = new Map<string, string>();
  private readonly attempts = new Map<string, PostAttempt>();

  async find(messageIds: readonly string[]): Promise<string | undefined> {
    return firstOf(this.answered, messageIds);
  }

  async record(messageIds: readonly string[], replyId: string): Promise<void> {
    for (const id of messageIds) this.answered.set(id, replyId);
  }

  async recordAttempt(messageIds: readonly string[], attempt: PostAttempt): Promise<void> {
    for (const id of messageIds) this.attempts.set(id, attempt);
  }

  async findAttempt(messageIds: readonly string[]): Promise<PostAttempt | undefined> {
    return firstOf(this.attempts, messageIds);
  }

  async findBegun(messageIds: readonly string[]): Promise<number | undefined> {
    return firstOf(this.attempts, messageIds)?.startedAt;
  }

  async forgetOwnAttempt(messageIds: readonly string[], attempt: PostAttempt): Promise<void> {
    for (const id of messageIds) if (isSameAttempt(this.attempts.get(id), attempt)) this.attempts.delete(id);
  }
}

function firstOf<T>(noted: ReadonlyMap<string, T>, messageIds: readonly string[]): T | undefined {
  for (const id of messageIds) {
    const value = noted.get(id);
    if (value !== undefined) return value;
  }
  return undefined;
}

function isSameAttempt(noted: PostAttempt | undefined, attempt: PostAttempt): boolean {
  return noted?.startedAt === attempt.startedAt && noted.digest === attempt.digest;
}
