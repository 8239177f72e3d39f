import { WaitingError, type Job } from 'bullmq';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { giveUpReply } from '../jobs/give-up-reply.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { giveUpJob } from './give-up-job.js';
import type { GiveUpHandler } from './job-handler.js';
import type { LostJobCause, LostJobProbe } from './lost-job-cause.js';

export interface LostRun {
  readonly job: Job;
  readonly probe: LostJobProbe | undefined;
  readonly dataMark: Promise<string | undefined> | undefined;
  /** Per job name, as in runJob: a job that vanished with Redis's data is given up through these. */
  readonly giveUp: Readonly<Record<string, GiveUpHandler>> | undefined;
  readonly log: Logger;
  readonly metrics: Metrics;
}

/** What a run that lost its job says, by why it lost it. */
const LOST_RUN_LINES = {
  taken: 'this run lost its job to another worker (paused, or cut off from Redis, past JOB_LOCK_MS); the worker holding the job now finishes it',
  gone:
    'this run lost its job (paused, or cut off from Redis, past JOB_LOCK_MS), and the job has left Redis meanwhile: another worker finished it, ' +
    'its message was deleted or its server removed the bot, or a Redis failover lost it',
  unknown: 'this run lost its job (paused, or cut off from Redis, past JOB_LOCK_MS), and Redis did not say whether another worker has it',
} as const satisfies Record<Exclude<LostJobCause, 'data-lost'>, string>;

/**
 * Ends a run that lost its job: neither failed nor completed nor retried (BullMQ would refuse each
 * without the lock, and the run holding it ends the job). Once at warn (JOB_LOST), or at error
 * (REDIS_DATA_LOST) when the job vanished with the rest of Redis's data: nobody holds it then, so
 * a run that had not finished gives it up (see answersVanishedJob). A run that had not finished
 * posts nothing either way: the lost lock fails every `holdsJob`, and after a loss Redis no longer
 * has the ledger that keeps a reply from being posted twice. The WaitingError tells BullMQ that
 * the job is not this run's to move.
 */
export async function endLostRun(run: LostRun, seconds: number, error: unknown, outcome?: { status: string; reason?: string }): Promise<never> {
  const { job, probe, log, metrics } = run;
  const cause = probe ? await probe.cause(job.id, await run.dataMark) : 'taken';
  const fields = { ...(error === undefined ? {} : { err: error }), ...(outcome ? { outcome } : {}) };
  if (cause === 'data-lost') {
    metrics.observeJob('data-lost', seconds);
    // A run that finished (its outcome says how) did its work; only its end could not be noted.
    if (!outcome) metrics.countFailure(ErrorCodes.RedisDataLost);
    const answered = !outcome && answersVanishedJob(run.giveUp, job.name);
    const ending = outcome ? 'its end is not noted' : answered ? 'it is given up (a /feel is told it failed)' : 'its message is not answered';
    log.error(
      { code: ErrorCodes.RedisDataLost, ...fields },
      'this run lost its job, which vanished from Redis with the rest of its data (Redis restarted without AOF, failed over to a replica that lacked it, ' +
        `or evicted it): no worker holds it, and ${ending}; enable AOF (appendonly yes)`,
    );
    if (answered) await giveUpJob(run.giveUp, job, dataLost(job.id), log);
  } else {
    metrics.observeJob('lost', seconds);
    log.warn({ code: ErrorCodes.JobLost, ...fields }, LOST_RUN_LINES[cause]);
  }
  throw new WaitingError();
}

/**
 * Whether a job that vanished with Redis's data is given up as after its last attempt: a /feel's
 * asker is told it failed rather than left "thinking…" until Discord drops the interaction, since
 * the run has its token (in the job's data) and no other worker has the job. Not a reply: its
 * give-up only logs, as the REDIS_DATA_LOST line already has.
 */
function answersVanishedJob(handlers: LostRun['giveUp'], jobName: string): boolean {
  const handler = handlers?.[jobName];
  return handler !== undefined && handler !== giveUpReply;
}

function dataLost(jobId: string | undefined): FeelbotError {
  return new FeelbotError(ErrorCodes.RedisDataLost, `Job ${jobId ?? ''} vanished from Redis with the rest of its data before its run ended.`, { details: { jobId } });
}
