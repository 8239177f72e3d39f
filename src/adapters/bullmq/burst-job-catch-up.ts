import { QueueKeys } from 'bullmq';
import type { Redis } from 'ioredis';
import { caughtUpBurst, uncarriedBy } from '../../jobs/catch-up-burst.js';
import { answeredBy } from '../../jobs/conversation-state.js';
import { MessageJobSchema, type ParsedMessageJob } from '../../jobs/message-job.js';
import type { BurstCatchUp } from '../../ports/burst-catch-up.js';
import type { BurstBuffer } from '../redis/redis-burst-buffer.js';
import { MessageCarriers } from './message-carriers.js';
import { REPLY_QUEUE } from './queue-names.js';
import { rewriteJobData } from './rewrite-job-data.js';

/**
 * The worker's side of a burst (BurstCatchUp): one burst lock and one read of the open burst per
 * burst job; the carriers and the job's data are read and written only for a job that lacks some of
 * its burst's messages.
 */
export class BurstJobCatchUp implements BurstCatchUp {
  private readonly carriers: MessageCarriers;
  private readonly keys: QueueKeys;

  constructor(
    private readonly connection: Redis,
    prefix: string,
    private readonly bursts: BurstBuffer,
    private readonly queueName: string = REPLY_QUEUE,
  ) {
    this.keys = new QueueKeys(prefix);
    this.carriers = new MessageCarriers(connection, prefix, (jobId) => this.jobKey(jobId));
  }

  catchUp(jobId: string, job: ParsedMessageJob): Promise<ParsedMessageJob | undefined> {
    const { replyId, channelId } = job;
    if (replyId === undefined) return Promise.resolve(undefined);
    // Under the burst's lock: a gateway's step in flight (its message appended, its job not yet queued) finishes first.
    return this.bursts.exclusively(channelId, job.author.id, async () => {
      const burst = await this.bursts.current(channelId, job.author.id);
      if (burst?.id !== replyId) return undefined;
      const uncarried = uncarriedBy(job, burst.entries).map((entry) => entry.messageId);
      if (uncarried.length === 0 || !(await this.replacedAll(uncarried, jobId))) return undefined;
      let caughtUp: ParsedMessageJob | undefined;
      // Over the data as stored now: a deletion's rewrite of the job's context meanwhile is kept.
      const written = await rewriteJobData(this.connection, this.jobKey(jobId), (data) => {
        const stored = MessageJobSchema.safeParse(data);
        caughtUp = stored.success ? caughtUpBurst(stored.data, burst) : undefined;
        return caughtUp;
      });
      if (!written || !caughtUp) return undefined;
      // So an edit or a deletion of a caught-up message finds this job.
      await this.carriers.record(answeredBy(caughtUp), jobId);
      return caughtUp;
    });
  }

  /**
   * True when every one of these messages was queued in a job that Redis no longer holds: the newer
   * job a stale copy replaced. A message no job is recorded for belongs to a gateway's step still
   * under way (its message appended, its add still in the network past the lock's TTL), which queues
   * it in a burst of its own once its add meets this job under way; and one whose job is still in
   * Redis (waiting, under way or finished) is answered by that job.
   */
  private async replacedAll(messageIds: readonly string[], jobId: string): Promise<boolean> {
    const carriers = await this.carriers.ofEach(messageIds);
    if (carriers.length < messageIds.length) return false;
    const others = carriers.filter((carrier) => carrier !== jobId);
    return others.length === 0 || (await this.connection.exists(...others.map((carrier) => this.jobKey(carrier)))) === 0;
  }

  private jobKey(jobId: string): string {
    return this.keys.toKey(this.queueName, jobId);
  }
}
