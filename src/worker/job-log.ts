import type { Job } from 'bullmq';
import type { Logger } from '../ports/logger.js';

/** The worker's logger for one job: every line names the job and, when it has one, its guild. */
export function jobLog(logger: Logger, job: Job): Logger {
  return logger.child({ jobId: job.id, guildId: guildIdOf(job.data) });
}

function guildIdOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null && 'guildId' in data ? data.guildId : undefined;
}
