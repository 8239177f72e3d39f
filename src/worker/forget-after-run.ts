import type { Job } from 'bullmq';
import type { Logger } from '../ports/logger.js';
import { jobLog } from './job-log.js';

/**
 * Removes a job that has just left its worker when `forget` asks for it. The job may already be
 * gone (removed on completion, or by the gateway) or taken again by another worker for a retry,
 * which then removes it when it is done: either way nothing is lost, so a refusal is only logged.
 */
export async function forgetIfAsked(job: Job, forget: (data: unknown) => Promise<boolean>, logger: Logger): Promise<void> {
  const log = jobLog(logger, job);
  try {
    if (!(await forget(job.data))) return;
    await job.remove();
    log.info('finished job removed at once: its server removed the bot');
  } catch (error) {
    log.warn({ err: error }, 'could not remove a finished job of a server that removed the bot; it leaves with its retention');
  }
}
