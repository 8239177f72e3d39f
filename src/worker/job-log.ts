import type { Job } from 'bullmq';
import { storedGuildId } from '../jobs/stored-guild-id.js';
import type { Logger } from '../ports/logger.js';

/**
 * The worker's logger for one job: every line names the job and, when it has one, its guild (a
 * job's data is unchecked here, before its handler parses it).
 */
export function jobLog(logger: Logger, job: Job): Logger {
  const guildId = storedGuildId(job.data);
  return logger.child({ jobId: job.id, ...(guildId === undefined ? {} : { guildId }) });
}
