import { Queue, type DeduplicationOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { AnalysisJobSchema, analysisJobId, type AnalysisJob } from '../../jobs/analysis-job.js';
import { withEdited, withoutDeleted } from '../../jobs/burst-parts.js';
import { messageJobId, MessageJobSchema, type MessageJob } from '../../jobs/message-job.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { setAllWithTtl } from '../redis/set-all.js';
import { ANALYSIS_JOB_OPTIONS, DEFAULT_JOB_OPTIONS, JOB_RETENTION } from './job-options.js';
import { JobPriority } from './job-priorities.js';
import { REPLY_QUEUE } from './queue-names.js';
import { untilReady } from './until-ready.js';
import type { ReplyQueue, WithdrawnBurst, WithdrawnJob } from '../../ports/reply-queue.js';

/** Jobs one sweep removes per state; a sweep every few minutes keeps up with any real load. */
const SWEEP_BATCH = 1_000;
/** The carrier of a message lives as long as the deleted-message marker the worker checks. */
const CARRIER_TTL_SECONDS = 60 * 60;
/** The rest of a withdrawn job is kept this long for a withdrawal retried after Redis ran it unanswered. */
const WITHDRAWN_REST_TTL_SECONDS = 10 * 60;
/** Where a job waits for a worker (or for its burst window to close); BullMQ's names. */
const WAITING_STATES: ReadonlySet<string> = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

/**
 * The producer's side of the reply queue: bursts queued debounced (a burst's job is named
 * `msg-<id>` after its newest message), `/feel` analyses, withdrawal after a deletion (and the rest
 * of a burst queued again), and the sweep. A message is queued once because its carrier says which
 * job holds it (`carrierOf`).
 */
export class MessageQueue implements ReplyQueue {
  readonly queue: Queue;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    name: string = REPLY_QUEUE,
  ) {
    this.queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  }

  /** Resolves once BullMQ has checked Redis on this connection (untilReady); REDIS_UNAVAILABLE otherwise. */
  ready(deadlineMs?: number): Promise<void> {
    return untilReady(this.queue.waitUntilReady(), deadlineMs);
  }

  /**
   * Queues a burst's latest state, debounced: while the burst grows, the delayed job is replaced
   * by the newer one and its wait starts again, so the burst gets one reply that reads it all.
   */
  enqueueDebounced(job: MessageJob, burstId: string, windowMs: number): Promise<string> {
    return this.addReply(job, windowMs, { id: burstId, ttl: windowMs, extend: true, replace: true });
  }

  /**
   * Queues the rest of a withdrawn job under its burst's id, unless a job already holds that id. The
   * check and the add are one step in BullMQ's Lua (SET NX on the id), so a newer message of the
   * burst queued at the same moment is never replaced by this older copy of the burst.
   */
  enqueueRest(job: MessageJob, burstId: string, windowMs: number): Promise<string> {
    return this.addReply(job, windowMs, { id: burstId, ttl: windowMs });
  }

  /** Queues a `/feel` analysis ahead of the replies waiting; the interaction id makes it once-only. */
  async enqueueAnalysis(job: AnalysisJob): Promise<string> {
    const data = AnalysisJobSchema.parse(job);
    const added = await this.queue.add('analysis', data, { jobId: analysisJobId(data.interactionId), priority: JobPriority.analysis, ...ANALYSIS_JOB_OPTIONS });
    return added.id ?? analysisJobId(data.interactionId);
  }

  /** True when this interaction's analysis is queued (or being answered). */
  async hasAnalysis(interactionId: string): Promise<boolean> {
    return (await this.queue.getJob(analysisJobId(interactionId))) !== undefined;
  }

  /**
   * Removes the reply jobs that carry these (deleted) messages' text, unless a worker holds one:
   * that one checks for deletions itself before it posts. Returns the jobs removed, each with its
   * rest: a burst's job also carried messages that were not deleted, which still need a reply.
   *
   * Safe to run again after a try Redis ran but never answered (a timeout, a dropped connection):
   * the rest is kept before its job is removed, without the deleted text, until `settle`.
   */
  async withdraw(messageIds: readonly string[]): Promise<WithdrawnJob[]> {
    if (messageIds.length === 0) return [];
    const deleted = new Set(messageIds);
    const carriers = await this.connection.mget(...messageIds.map((id) => this.carrierKey(id)));
    const jobIds = new Set([...carriers.filter((id): id is string => id !== null), ...messageIds.map(messageJobId)]);
    const removed: WithdrawnJob[] = [];
    for (const jobId of jobIds) {
      const job = await this.queue.getJob(jobId);
      if (!job) {
        const kept = await this.connection.get(this.withdrawnKey(jobId));
        if (kept) removed.push(keptWithdrawal(jobId, kept));
        continue;
      }
      if (job.name !== 'reply') continue;
      const state = await job.getState();
      const parsed = MessageJobSchema.safeParse(job.data);
      const finished = state === 'completed' || state === 'failed';
      const open = parsed.success && !finished ? parsed.data : undefined;
      const withdrawal: WithdrawnJob = {
        jobId,
        rest: open && withoutDeleted(open, deleted),
        burst: open && { queuedUnder: job.deduplicationId, channelId: open.channelId, authorId: open.author.id },
      };
      if (open) await this.connection.set(this.withdrawnKey(jobId), JSON.stringify(withdrawal), 'EX', WITHDRAWN_REST_TTL_SECONDS);
      // 0 when a worker holds the job's lock: BullMQ never removes an active job.
      if ((await this.queue.remove(jobId)) !== 1) {
        if (open) await this.connection.del(this.withdrawnKey(jobId));
        continue;
      }
      removed.push(withdrawal);
    }
    return removed;
  }

  /**
   * Puts an edited message's new text into `jobId`, the message's carrier (`carrierOf`), while that
   * job waits (in its burst window, or for a worker). Returns the job's id, or undefined when it no
   * longer waits: its reply is under way or done (also when a worker took the job while it was
   * being updated: that worker answers the text it read), or a deletion took it out.
   */
  async revise(jobId: string, messageId: string, content: string): Promise<string | undefined> {
    const job = await this.queue.getJob(jobId);
    if (!job || job.name !== 'reply' || !WAITING_STATES.has(await job.getState())) return undefined;
    const parsed = MessageJobSchema.safeParse(job.data);
    const edited = parsed.success ? withEdited(parsed.data, messageId, content) : undefined;
    if (!edited) return undefined;
    await job.updateData(edited);
    // A worker that took the job between the check and the update answers the text it read.
    return WAITING_STATES.has(await job.getState()) ? jobId : undefined;
  }

  /**
   * The job that holds this message's text, when it was queued in the last hour (alone, in a
   * burst, or as the rest of a burst after a deletion).
   */
  async carrierOf(messageId: string): Promise<string | undefined> {
    return (await this.connection.get(this.carrierKey(messageId))) ?? undefined;
  }

  /** The rest of a withdrawn job has been queued again (or needs no reply): its kept copy goes. */
  async settle(withdrawnJobId: string): Promise<void> {
    await this.connection.del(this.withdrawnKey(withdrawnJobId));
  }

  /**
   * Removes finished jobs past their retention. BullMQ trims them only when another job finishes
   * in the same state, so on a quiet queue a failed job would otherwise stay for good.
   */
  async sweep(): Promise<{ completed: number; failed: number }> {
    const completed = await this.queue.clean(JOB_RETENTION.completedReplySeconds * 1_000, SWEEP_BATCH, 'completed');
    const failed = await this.queue.clean(JOB_RETENTION.failedSeconds * 1_000, SWEEP_BATCH, 'failed');
    return { completed: completed.length, failed: failed.length };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  /** Adds a reply job after its burst window; returns the id of the job that holds it (another, when deduplicated). */
  private async addReply(job: MessageJob, windowMs: number, deduplication: DeduplicationOptions): Promise<string> {
    const data = MessageJobSchema.parse(job);
    const jobId = messageJobId(data.messageId);
    const added = await this.queue.add('reply', data, { jobId, delay: windowMs, priority: JobPriority.reply, deduplication });
    if ((added.id ?? jobId) === jobId) await this.recordCarrier([data.messageId, ...data.burst], jobId);
    return added.id ?? jobId;
  }

  /** Which job holds each message's text: a burst's job holds all of its messages. */
  private async recordCarrier(messageIds: readonly string[], jobId: string): Promise<void> {
    await setAllWithTtl(this.connection, messageIds.map((id) => this.carrierKey(id)), jobId, CARRIER_TTL_SECONDS);
  }

  private withdrawnKey(jobId: string): string {
    return feelbotKey(this.prefix, 'withdrawn', jobId);
  }

  private carrierKey(messageId: string): string {
    return feelbotKey(this.prefix, 'carrier', messageId);
  }
}

/** A withdrawal kept for its retry, as `withdraw` wrote it (it holds no deleted text). */
function keptWithdrawal(jobId: string, kept: string): WithdrawnJob {
  const { rest, burst } = JSON.parse(kept) as { rest?: unknown; burst?: WithdrawnBurst };
  const parsed = MessageJobSchema.safeParse(rest);
  return { jobId, rest: parsed.success ? parsed.data : undefined, burst };
}
