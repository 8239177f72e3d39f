import type { Emotion } from '../domain/emotions.js';
import { replyDigest } from '../domain/reply-digest.js';
import type { PostAttempt } from '../ports/delivery-ledger.js';
import type { JobLock } from '../ports/job-lock.js';
import type { TakeBackSend } from '../ports/persona-replier.js';
import type { MessageJobDeps } from './message-job-deps.js';

/** The reply as it will be sent: its text and the name it is posted under, and the persona that wrote it. */
export interface ReplyToSend {
  readonly content: string;
  readonly persona: string;
  readonly personaKey: Emotion;
}

/** The replier's `beforeSend` for one reply, and the attempt it noted. */
export interface AttemptAtSend {
  readonly beforeSend: () => Promise<TakeBackSend>;
  /** This run's attempt while noted (not taken back since): the only one it may forget. */
  readonly noted: PostAttempt | undefined;
}

/**
 * Right before each send: the run's checks (that it still holds its job, that nobody answered
 * meanwhile), then its attempt noted. Noted no earlier: a run paused or killed in the replier's
 * waits (a thread check, an avatar upload, another worker's webhook lock) sent nothing, and the
 * job's next holder must not take it for a post that may have landed. For the same reason the
 * replier takes the note back as soon as Discord refuses the send, before it waits for a fresh
 * webhook. The note is one more wait: cut off from Redis past JOB_LOCK_MS, the run hears back
 * only after another worker took the job over and may have posted. So it is written only while
 * `lock` is still this run's (a late write never replaces the new holder's note, which that
 * worker's retry looks for), and the checks run again once it is: Redis's answer to a write that
 * landed in time may itself come back late.
 */
export function attemptAtSend(
  answered: readonly string[],
  reply: ReplyToSend,
  checks: () => Promise<void>,
  deps: Pick<MessageJobDeps, 'ledger'>,
  lock?: JobLock,
): AttemptAtSend {
  const digest = replyDigest(reply.content);
  // The first send's time, kept for a second send (without a refused avatar, through a fresh webhook): the history is read from it.
  let startedAt: number | undefined;
  const state: { noted: PostAttempt | undefined; beforeSend: AttemptAtSend['beforeSend'] } = {
    noted: undefined,
    beforeSend: async () => {
      await checks();
      startedAt ??= Date.now();
      const attempt = { digest, persona: reply.persona, personaKey: reply.personaKey, startedAt };
      // Before the write: one that failed may still have reached Redis, and is this run's to forget.
      state.noted = attempt;
      await deps.ledger.recordAttempt(answered, attempt, reply.content, lock);
      const takeBack = async () => {
        // Only where still this run's: Discord's refusal may come after the run lost its job, to a worker that noted its own post since.
        await deps.ledger.forgetOwnAttempt(answered, attempt);
        // Only once forgotten: a failed forget leaves the note this run's to forget when its post fails.
        state.noted = undefined;
      };
      // A run that lost its job sends nothing, and leaves no note of a post it never sent for the new holder to look for.
      await checks().catch(async (error: unknown) => {
        await takeBack();
        throw error;
      });
      return takeBack;
    },
  };
  return state;
}
