import type { PostAttempt } from '../ports/delivery-ledger.js';
import type { MessageJobDeps } from './message-job-deps.js';

/** The replier's `beforeSend` for one reply, and whether it noted the attempt. */
export interface AttemptAtSend {
  readonly beforeSend: () => Promise<void>;
  /** True once this run began noting its attempt: the only one it may forget. */
  readonly noted: boolean;
}

/**
 * Right before each send: the run's checks (that it still holds its job, that nobody answered
 * meanwhile), then its attempt noted. Noted no earlier: a run paused or killed in the replier's
 * waits (a thread check, an avatar upload, another worker's webhook lock) sent nothing, and the
 * job's next holder must not take it for a post that may have landed.
 */
export function attemptAtSend(
  answered: readonly string[],
  attempt: Omit<PostAttempt, 'startedAt'>,
  checks: () => Promise<void>,
  deps: Pick<MessageJobDeps, 'ledger'>,
): AttemptAtSend {
  // The first send's time, kept for a second send (without a refused avatar, through a fresh webhook): the history is read from it.
  let startedAt: number | undefined;
  const state = {
    noted: false,
    beforeSend: async () => {
      await checks();
      startedAt ??= Date.now();
      // Before the write: one that failed may still have reached Redis, and is this run's to forget.
      state.noted = true;
      await deps.ledger.recordAttempt(answered, { ...attempt, startedAt });
    },
  };
  return state;
}
