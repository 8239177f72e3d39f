import type { JobLock } from './job-lock.js';

/**
 * How far the private follow-up of a public /feel got: noted right before it is sent, and once
 * Discord confirmed it. A follow-up whose failure proves it never reached Discord is forgotten.
 */
export type FollowUpState = 'sending' | 'sent';

/**
 * What a later attempt reads to tell a private card that never reached its asker (sent again)
 * from one that did or may have (never sent twice), by its interaction's key, for as long as the
 * interaction's token lives. Written by one worker, read by whichever takes the retry.
 */
export interface PrivateFollowUps {
  /**
   * With `whileHeld` (the run's job lock), written only while the lock still holds the run's token,
   * in one step with that check; once it does not, fails JOB_LOST with nothing written.
   */
  note(interaction: string, state: FollowUpState, whileHeld?: JobLock): Promise<void>;
  /** Undefined when nothing was noted, or its note was forgotten or expired. */
  stateOf(interaction: string): Promise<FollowUpState | undefined>;
  forget(interaction: string): Promise<void>;
}
