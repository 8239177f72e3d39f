import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { JobHold } from '../../jobs/job-hold.js';
import type { PrivateFollowUps } from '../../ports/private-follow-ups.js';

/**
 * Notes a private card's follow-up as 'sending', right before it is sent, only while the run
 * holds its job; JOB_LOST, with nothing sent, once it does not. Under the run's lock the note and
 * that check are one Redis step: a note that waited out a network split past JOB_LOCK_MS is refused
 * once another worker has the job. A note that landed is the run's promise to send, however late
 * Redis's answer comes back: the job's next holder reads it as a card that may have reached its
 * asker, and never sends one itself. Without a lock (a test, a tool) or a place to note, the hold
 * is asked again after the note instead, as late as it can be before the post.
 */
export async function noteCardSending(followUps: PrivateFollowUps | undefined, interaction: string, hold: Partial<JobHold>): Promise<void> {
  if (followUps && hold.lock) return followUps.note(interaction, 'sending', hold.lock);
  await followUps?.note(interaction, 'sending');
  if (hold.holdsJob && !(await hold.holdsJob())) {
    throw new FeelbotError(ErrorCodes.JobLost, 'This run lost its /feel to another worker before sending its private card: nothing was sent.');
  }
}
