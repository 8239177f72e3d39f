import type { JobsOptions } from 'bullmq';

/**
 * How long a finished job stays in Redis (the retries are in DEFAULT_JOB_OPTIONS). A reply job holds its author's text and up to 20
 * context messages of other people; an analysis job an interaction token.
 */
export const JOB_RETENTION = {
  /**
   * A completed reply's job id is kept a while; what stops a MESSAGE_CREATE delivered twice (a
   * gateway resuming, two gateways during a roll-out) from queueing a message again is its carrier
   * (kept while its job is in Redis, and up to two hours after; see `carrierOf`), which also covers
   * a burst's earlier messages, whose own job ids were replaced. The worker's `answered:<id>` ledger then keeps a second reply from being posted.
   */
  completedReplySeconds: 10 * 60,
  /** Long enough for an operator to look at a failed job; its code and reason are in the logs too. */
  failedSeconds: 60 * 60,
} as const;

/** Most finished jobs BullMQ keeps, whatever their age. */
const MAX_FINISHED_JOBS = 10_000;

export const DEFAULT_JOB_OPTIONS = {
  attempts: 4,
  // 2 s, 4 s, 8 s: long enough for a Discord outage blip or a worker restart.
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: JOB_RETENTION.completedReplySeconds, count: MAX_FINISHED_JOBS },
  removeOnFail: { age: JOB_RETENTION.failedSeconds, count: MAX_FINISHED_JOBS },
} as const satisfies JobsOptions;

/** The interaction token is spent once answered, and a failed one only needs a short look. */
export const ANALYSIS_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: { age: JOB_RETENTION.failedSeconds },
} as const satisfies JobsOptions;
