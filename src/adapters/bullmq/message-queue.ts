import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { AnalysisJobSchema, analysisJobId, type AnalysisJob } from '../../jobs/analysis-job.js';
import { messageJobId, MessageJobSchema, type MessageJob } from '../../jobs/message-job.js';
import { JobPriority } from './job-priorities.js';
import { REPLY_QUEUE } from './queue-names.js';

export const DEFAULT_JOB_OPTIONS = {
  attempts: 4,
  // 2 s, 4 s, 8 s: long enough for a Discord outage blip or a worker restart.
  backoff: { type: 'exponential', delay: 2_000 },
  // Completed ids double as "seen" markers for the job-id dedupe, so keep a day of them.
  removeOnComplete: { age: 24 * 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 10_000 },
} as const satisfies JobsOptions;

/** The gateway's side of the queue. The job id is the message id, so a message is queued once. */
export class MessageQueue {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string, name: string = REPLY_QUEUE) {
    this.queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  }

  /**
   * Queues a burst's latest state, debounced: while the burst grows, the delayed job is replaced
   * by the newer one and its wait starts again, so the burst gets one reply that reads it all.
   */
  async enqueueDebounced(job: MessageJob, burstId: string, windowMs: number): Promise<string> {
    const data = MessageJobSchema.parse(job);
    const added = await this.queue.add('reply', data, {
      jobId: messageJobId(data.messageId),
      delay: windowMs,
      priority: JobPriority.reply,
      deduplication: { id: burstId, ttl: windowMs, extend: true, replace: true },
    });
    return added.id ?? messageJobId(data.messageId);
  }

  /** Queues a `/feel` analysis ahead of the replies waiting; the interaction id makes it once-only. */
  async enqueueAnalysis(job: AnalysisJob): Promise<string> {
    const data = AnalysisJobSchema.parse(job);
    const added = await this.queue.add('analysis', data, { jobId: analysisJobId(data.interactionId), priority: JobPriority.analysis });
    return added.id ?? analysisJobId(data.interactionId);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
