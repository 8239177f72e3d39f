import { ErrorCodes } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { LostJobProbe } from './lost-job-cause.js';

/** BullMQ's 'error' for a job moved (completed, failed) whose key is no longer in Redis (Scripts.finishedErrors, code -1). */
const KEY_MISSING = /^Missing key for job (.+)\. \S+$/;
/** BullMQ's 'error' for a move refused for want of the job's lock: the job it names, whose end is not noted here either. */
const LOCK_REFUSED = /^(?:Missing lock|Lock mismatch) for job (.+?)\. /;

/**
 * The runs of one worker that have ended and whose end BullMQ has still to note in Redis (move the
 * job to completed or failed), by job id, with the data mark each run started on. When that move
 * finds the job's key gone (its keys left Redis after the handler finished), the run is told of once,
 * as a run that lost its job in flight is (runJob): at error (REDIS_DATA_LOST) when the job vanished
 * with the rest of Redis's data, else at warn (JOB_LOST). An end BullMQ gives up on for another
 * reason it does not name the job in (Redis refusing the write) stays here until the worker closes.
 */
export class UnnotedEnds {
  readonly #marks = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly probe: LostJobProbe,
    private readonly logger: Logger,
  ) {}

  /** A run of `jobId` that started on `mark` has ended, and BullMQ is about to note its end. */
  ended(jobId: string, mark: Promise<string | undefined>): void {
    this.#marks.set(jobId, mark);
  }

  /** BullMQ noted the end of the run of `jobId` ('completed', 'failed'), or will not try to. */
  noted(jobId: string | undefined): void {
    if (jobId !== undefined) this.#marks.delete(jobId);
  }

  /**
   * Whether `error` is BullMQ failing to note an end because the job's key is gone; it is then
   * logged, once per run. Any other refused move (a lost lock) ends the wait for the job it names.
   */
  report(error: Error): boolean {
    const jobId = KEY_MISSING.exec(error.message)?.[1];
    if (jobId === undefined) {
      this.noted(LOCK_REFUSED.exec(error.message)?.[1]);
      return false;
    }
    const mark = this.#marks.get(jobId);
    this.#marks.delete(jobId);
    // BullMQ, refused the completion, tries to fail the job instead and is refused again: the run is told of once.
    if (mark === undefined) this.logger.debug({ err: error, jobId }, 'a job whose key is gone could not be failed either');
    else void this.#tell(jobId, mark, error);
    return true;
  }

  async #tell(jobId: string, mark: Promise<string | undefined>, error: Error): Promise<void> {
    const cause = await this.probe.cause(jobId, await mark);
    if (cause === 'data-lost') {
      this.logger.error(
        { err: error, code: ErrorCodes.RedisDataLost, jobId },
        'a job vanished from Redis with the rest of its data (Redis restarted without AOF, failed over to a replica that lacked it, was emptied, ' +
          'or evicted it) after its run ended: its end is not noted; enable AOF (appendonly yes)',
      );
    } else {
      this.logger.warn(
        { err: error, code: ErrorCodes.JobLost, jobId },
        cause === 'unknown'
          ? 'a job left Redis after its run ended, before its end was noted, and Redis did not say whether it lost its data'
          : 'a job left Redis after its run ended, before its end was noted (removed while it ran, or evicted): its end is not noted',
      );
    }
  }
}
