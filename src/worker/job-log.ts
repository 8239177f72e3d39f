import type { Job } from 'bullmq';
import type { Logger } from '../ports/logger.js';

/** What a Discord id looks like; a job's data is unchecked here, before its handler parses it. */
const SNOWFLAKE = /^\d{1,20}$/;

/**
 * The worker's logger for one job: every line names the job and, when it has one, its guild. A
 * guild id that is no snowflake (a malformed job) is left out: it could hold anything, a token too.
 */
export function jobLog(logger: Logger, job: Job): Logger {
  const guildId = guildIdOf(job.data);
  return logger.child({ jobId: job.id, ...(guildId === undefined ? {} : { guildId }) });
}

function guildIdOf(data: unknown): string | undefined {
  const guildId = typeof data === 'object' && data !== null && 'guildId' in data ? data.guildId : undefined;
  return typeof guildId === 'string' && SNOWFLAKE.test(guildId) ? guildId : undefined;
}
