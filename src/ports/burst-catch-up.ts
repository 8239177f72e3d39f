import type { ParsedMessageJob } from '../jobs/message-job.js';

/**
 * Brings a burst's reply job up to the burst as the gateways hold it, when a stale copy of the
 * burst replaced the job that read all of it: a gateway cut off from Redis past the burst lock's
 * TTL mid-step, whose add, sent before the cut, landed after another gateway's newer job.
 */
export interface BurstCatchUp {
  /**
   * After any gateway's step on the job's burst in flight: when the author's open burst is still the
   * job's (`replyId`) and holds messages the job lacks, which no other job in Redis carries, rewrites
   * job `jobId` to answer the whole burst, records it as their carrier, and returns it. Undefined
   * when there is nothing to catch up (the burst expired or is another, or another job answers them).
   */
  catchUp(jobId: string, job: ParsedMessageJob): Promise<ParsedMessageJob | undefined>;
}
