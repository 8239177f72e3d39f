import { Queue, type DeduplicationOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { AnalysisJobSchema, analysisJobId, type AnalysisJob } from '../../jobs/analysis-job.js';
import { INTERACTION_LIFETIME_MS } from '../../jobs/interaction-lifetime.js';
import { contextIdsOf } from '../../jobs/conversation-state.js';
import { messageJobId, MessageJobSchema, type MessageJob, type MessageText } from '../../jobs/message-job.js';
import { RedisDeletedMessages } from '../redis/redis-deleted-messages.js';
import { ContextQuotes } from './context-quotes.js';
import { ANALYSIS_JOB_OPTIONS, DEFAULT_JOB_OPTIONS, JOB_RETENTION } from './job-options.js';
import { JobPriority } from './job-priorities.js';
import { GuildJobs } from './guild-jobs.js';
import { JobWithdrawals } from './job-withdrawals.js';
import { MessageCarriers } from './message-carriers.js';
import { REPLY_QUEUE } from './queue-names.js';
import { readJob } from './read-job.js';
import { reviseWaitingJob } from './revise-waiting-job.js';
import { unquoteDeleted } from './unquote-deleted.js';
import { untilReady } from './until-ready.js';
import type { ReplyQueue, WithdrawnJob } from '../../ports/reply-queue.js';

/** Jobs one sweep removes per state; a sweep every few minutes keeps up with any real load. */
const SWEEP_BATCH = 1_000;

/**
 * The producer's side of the reply queue: bursts queued debounced (a burst's job is named
 * `msg-<id>` after its newest message), `/feel` analyses, withdrawal after a deletion (and the rest
 * of a burst queued again), and the sweep. A message is queued once because its carrier says which
 * job holds it (`carrierOf`); a deleted message leaves the context of the jobs that quote it (`unquote`).
 */
export class MessageQueue implements ReplyQueue {
  readonly queue: Queue;
  private readonly carriers: MessageCarriers;
  private readonly withdrawals: JobWithdrawals;
  /** Each server's jobs, removed when the server removes the bot. */
  readonly guildJobs: GuildJobs;
  private readonly quotes: ContextQuotes;
  private readonly deleted: RedisDeletedMessages;

  constructor(
    private readonly connection: Redis,
    prefix: string,
    name: string = REPLY_QUEUE,
  ) {
    this.queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    this.carriers = new MessageCarriers(connection, prefix, (jobId) => this.queue.toKey(jobId));
    this.withdrawals = new JobWithdrawals(this.queue, connection, prefix, this.carriers);
    this.guildJobs = new GuildJobs(this.queue, connection, prefix, this.carriers, this.withdrawals);
    this.quotes = new ContextQuotes(connection, prefix, (jobId) => this.queue.toKey(jobId));
    this.deleted = new RedisDeletedMessages(connection, prefix);
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
    const jobId = analysisJobId(data.interactionId);
    // The job id makes it once-only while the job is in Redis; an answered one leaves at once (its
    // token with it), so a key without the token keeps a late second queueing (the gateway that met
    // 40060 during a roll-out) from answering it again for as long as the interaction lives.
    const deduplication = { id: jobId, ttl: INTERACTION_LIFETIME_MS };
    const added = await this.queue.add('analysis', data, { jobId, priority: JobPriority.analysis, deduplication, ...ANALYSIS_JOB_OPTIONS });
    await this.guildJobs.record(data.guildId, added.id ?? jobId);
    return added.id ?? jobId;
  }

  /** True when this interaction's analysis is queued (or being answered). */
  async hasAnalysis(interactionId: string): Promise<boolean> {
    return (await readJob(this.queue, analysisJobId(interactionId))) !== undefined;
  }

  /** Removes the waiting reply jobs that carry these (deleted) messages' text (JobWithdrawals). */
  withdraw(messageIds: readonly string[]): Promise<WithdrawnJob[]> {
    return this.withdrawals.withdraw(messageIds);
  }

  /**
   * Takes these (deleted) messages out of the context of every reply job that quotes them, whatever
   * its state (unquoteDeleted); returns the jobs rewritten.
   */
  async unquote(messageIds: readonly string[]): Promise<string[]> {
    const rewritten = await unquoteDeleted(this.queue, this.connection, await this.quotes.quoting(messageIds), new Set(messageIds));
    await this.quotes.forget(messageIds);
    return rewritten;
  }

  /** Puts an edited message's new text into its carrier job while that job waits (reviseWaitingJob). */
  revise(jobId: string, messageId: string, text: MessageText): Promise<string | undefined> {
    return reviseWaitingJob(this.queue, this.connection, jobId, messageId, text);
  }

  /**
   * The job that holds this message's text (alone, in a burst, or as the rest of a burst after a
   * deletion), while that job is in Redis however long it waits, and up to two hours after.
   */
  carrierOf(messageId: string): Promise<string | undefined> {
    return this.carriers.of(messageId);
  }

  /** The rest of a withdrawn job has been queued again (or needs no reply): its kept copy goes. */
  settle(withdrawnJobId: string): Promise<void> {
    return this.withdrawals.settle(withdrawnJobId);
  }

  /**
   * Removes finished jobs past their retention. BullMQ trims them only when another job finishes
   * in the same state, so on a quiet queue a failed job would otherwise stay for good. Then renews
   * what the jobs still in Redis quote and carry (ContextQuotes.renew, MessageCarriers.renew), so
   * that a deletion finds a job however long it waited.
   */
  async sweep(): Promise<{ completed: number; failed: number }> {
    const completed = await this.queue.clean(JOB_RETENTION.completedReplySeconds * 1_000, SWEEP_BATCH, 'completed');
    const failed = await this.queue.clean(JOB_RETENTION.failedSeconds * 1_000, SWEEP_BATCH, 'failed');
    await this.quotes.renew();
    await this.carriers.renew();
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
    if ((added.id ?? jobId) !== jobId) return added.id ?? jobId;
    await this.carriers.record([data.messageId, ...data.burst], jobId);
    await this.guildJobs.record(data.guildId, jobId);
    await this.noteQuotes(jobId, contextIdsOf(data));
    return jobId;
  }

  /**
   * Records the job as quoting its context, then takes out any of it deleted meanwhile: a deletion
   * marks before it reads who quotes, so one of the two sees the other however they interleave.
   */
  private async noteQuotes(jobId: string, quoted: readonly string[]): Promise<void> {
    if (quoted.length === 0) return;
    await this.quotes.record(quoted, jobId);
    const deleted = await this.deleted.deletedAmong(quoted);
    if (deleted.length > 0) await unquoteDeleted(this.queue, this.connection, [jobId], new Set(deleted));
  }
}
