/**
 * A job's lock as the queue keeps it (BullMQ's `<prefix>:<queue>:<job id>:lock` key) and the
 * token of the run that holds it: a write only that run may make checks, in the same step, that
 * the key still holds its token. Another worker's token, or none, means another worker has the job or will.
 */
export interface JobLock {
  readonly key: string;
  readonly token: string;
}
