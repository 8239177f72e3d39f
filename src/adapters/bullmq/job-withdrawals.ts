import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { withoutDeleted } from '../../jobs/burst-parts.js';
import { messageJobId, MessageJobSchema } from '../../jobs/message-job.js';
import type { WithdrawnBurst, WithdrawnJob } from '../../ports/reply-queue.js';
import { feelbotKey } from '../redis/redis-connection.js';
import type { MessageCarriers } from './message-carriers.js';
import { readJob } from './read-job.js';

/** The rest of a withdrawn job is kept this long for a withdrawal retried after Redis ran it unanswered. */
const WITHDRAWN_REST_TTL_SECONDS = 10 * 60;

/**
 * Takes back the reply jobs that carry deleted messages' text. Safe to run again after a try Redis
 * ran but never answered (a timeout, a dropped connection): each job's rest is kept, without the
 * deleted text, before the job is removed, until `settle`.
 */
export class JobWithdrawals {
  constructor(
    private readonly queue: Queue,
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly carriers: MessageCarriers,
  ) {}

  /**
   * Removes the reply jobs that carry these (deleted) messages' text, unless a worker holds one:
   * that one checks for deletions itself before it posts. Returns the jobs removed, each with its
   * rest: a burst's job also carried messages that were not deleted, which still need a reply.
   */
  async withdraw(messageIds: readonly string[]): Promise<WithdrawnJob[]> {
    if (messageIds.length === 0) return [];
    const deleted = new Set(messageIds);
    const carriers = await this.carriers.ofEach(messageIds);
    const jobIds = new Set([...carriers, ...messageIds.map(messageJobId)]);
    const removed: WithdrawnJob[] = [];
    for (const jobId of jobIds) {
      const job = await readJob(this.queue, jobId);
      if (!job) {
        const kept = await this.connection.get(this.keptKey(jobId));
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
      if (open) await this.connection.set(this.keptKey(jobId), JSON.stringify(withdrawal), 'EX', WITHDRAWN_REST_TTL_SECONDS);
      // 0 when a worker holds the job's lock: BullMQ never removes an active job.
      if ((await this.queue.remove(jobId)) !== 1) {
        if (open) await this.connection.del(this.keptKey(jobId));
        continue;
      }
      removed.push(withdrawal);
    }
    return removed;
  }

  /** The rest of a withdrawn job has been queued again (or needs no reply): its kept copy goes. */
  async settle(withdrawnJobId: string): Promise<void> {
    await this.connection.del(this.keptKey(withdrawnJobId));
  }

  /** The kept copies of these jobs go, in one command (their server removed the bot). */
  async settleAll(withdrawnJobIds: readonly string[]): Promise<void> {
    if (withdrawnJobIds.length > 0) await this.connection.del(...withdrawnJobIds.map((jobId) => this.keptKey(jobId)));
  }

  private keptKey(jobId: string): string {
    return feelbotKey(this.prefix, 'withdrawn', jobId);
  }
}

/** A withdrawal kept for its retry, as `withdraw` wrote it (it holds no deleted text). */
function keptWithdrawal(jobId: string, kept: string): WithdrawnJob {
  const { rest, burst } = JSON.parse(kept) as { rest?: unknown; burst?: WithdrawnBurst };
  const parsed = MessageJobSchema.safeParse(rest);
  return { jobId, rest: parsed.success ? parsed.data : undefined, burst };
}
