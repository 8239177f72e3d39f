import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { buildAnalysisJob, buildMessageJob, snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';


describe('job order on the shared queue (real Redis, BullMQ and job worker)', () => {
  const redis = usePrivateRedis();

  it('a /feel analysis queued behind a backlog of chat replies is served before all of them', async () => {
    const prefix = `{order-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    try {
      const replies = [];
      for (let i = 0; i < 3; i += 1) {
        const job = buildMessageJob({ messageId: snowflake(), channelId: snowflake(), content: `message ${i}` });
        const jobId = await queue.enqueueDebounced(job, `burst-${i}`, 60_000);
        // Its burst window over: the reply now waits to be served, as a backlog does.
        await (await queue.queue.getJob(jobId))!.promote();
        replies.push(job.messageId);
      }
      expect((await queue.queue.getJobCounts('delayed')).delayed).toBe(0);
      // Ids from the jobs as queued: an answered analysis job leaves Redis at once.
      const analysis = buildAnalysisJob({ text: 'why is this still broken' });
      await queue.enqueueAnalysis(analysis);

      const served: string[] = [];
      const record: JobHandler = async (data) => {
        const id = (data as { messageId?: string; interactionId?: string }).messageId ?? (data as { interactionId: string }).interactionId;
        served.push(id);
        return { status: 'posted' };
      };
      const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: record, analysis: record }, {
        concurrency: 1,
        lockDurationMs: 4_000,
        logger: createLogger('silent', 'test'),
        metrics: NO_METRICS,
      });
      try {
        await expect.poll(() => served.length, { timeout: 10_000 }).toBe(4);
      } finally {
        await worker.stop(1_000);
      }
      expect(served[0]).toBe(analysis.interactionId);
      expect(served.slice(1)).toEqual(replies);
    } finally {
      await queue.close();
    }
  }, 30_000);
});
