import type { Emotion } from '../domain/emotions.js';
import type { JobLock } from './job-lock.js';

/**
 * Remembers which messages were answered, so a retried or re-run job never posts twice.
 * Shared by every worker (Redis), because any worker may pick up a job another one started.
 *
 * One reply answers a whole burst, and a burst whose newest message is deleted between attempts
 * is answered under another message's id; so a reply and an attempt are noted under every message
 * they answer, and found under any of them.
 */
export interface DeliveryLedger {
  /** The id of the reply already posted for any of these messages, if any. */
  find(messageIds: readonly string[]): Promise<string | undefined>;
  record(messageIds: readonly string[], replyId: string): Promise<void>;
  /**
   * Notes a reply about to be sent, right before the send (the replier's `beforeSend`). A post that
   * fails with no answer from Discord (a 5xx, a timeout) may still have landed; the next attempt
   * then looks for it before posting again. Kept until the messages are noted answered (`record`),
   * or as long as a job can wait: a retry may run long after the post. `content` is the text sent,
   * for a ledger whose older readers still match the text itself (Redis's, for an hour); kept no longer.
   * With `whileHeld` (the run's job lock), noted only while the run still holds its job, in the same
   * step: else JOB_LOST, nothing noted, for a write that waited out a network split must not
   * overwrite the note of the worker that took the job over meanwhile.
   */
  recordAttempt(messageIds: readonly string[], attempt: PostAttempt, content: string, whileHeld?: JobLock): Promise<void>;
  findAttempt(messageIds: readonly string[]): Promise<PostAttempt | undefined>;
  /**
   * When (epoch ms) a post for any of these messages was begun (recordAttempt) and not forgotten
   * since: kept as long as a job can wait, since a worker may die between sending a post and
   * noting how it ended.
   */
  findBegun(messageIds: readonly string[]): Promise<number | undefined>;
  /**
   * Forgets `attempt` (as recordAttempt noted it) where it is still the one noted: its post failed
   * before it could reach Discord. A run paused past its lock may hear so only after the job's new
   * holder noted its own attempt, whose post may have landed: that note is kept.
   */
  forgetOwnAttempt(messageIds: readonly string[], attempt: PostAttempt): Promise<void>;
  /**
   * The messages `replyId` was recorded as answering (`record`), kept as long as an attempt: a post
   * found in the history that another job recorded as its reply (the same words by the same
   * persona, to another member) is not this job's. Undefined when it was not recorded. A ledger
   * whose replier never finds an earlier post (the terminal chat's) may leave it out.
   */
  answeredWith?(replyId: string): Promise<readonly string[] | undefined>;
}

/** A reply as it was sent to Discord: a digest of its text (not the text), whose voice, and when (epoch ms). */
export interface PostAttempt {
  /** `replyDigest` of the text sent, which finding it in the history matches. */
  readonly digest: string;
  /** The name it was posted under, which finding it in the history matches. */
  readonly persona: string;
  /** The persona that wrote it ('joy'), noted for the reply once found; absent in attempts an older version noted. */
  readonly personaKey?: Emotion;
  readonly startedAt: number;
  /** Only when looking for the post (findPosted), never noted: messages found to be other jobs' replies, passed over. */
  readonly besides?: readonly string[];
}
