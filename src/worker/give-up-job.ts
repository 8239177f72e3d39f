import type { Job } from 'bullmq';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { GiveUpHandler } from './job-handler.js';

/** Runs the give-up handler of the job's kind, if it has one; a failure there is logged, never thrown. */
export async function giveUpJob(
  handlers: Readonly<Record<string, GiveUpHandler>> | undefined,
  job: Job,
  error: unknown,
  log: Logger,
): Promise<void> {
  const handler = handlers?.[job.name];
  if (!handler) return;
  try {
    await handler(job.data, error, log);
  } catch (giveUpError) {
    log.warn({ err: giveUpError, code: errorCodeOf(giveUpError) }, 'the failed job could not be answered');
  }
}
