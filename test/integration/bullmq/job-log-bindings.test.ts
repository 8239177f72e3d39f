import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { parseMessageJob } from '../../../src/jobs/message-job.js';
import type { Logger } from '../../../src/ports/logger.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker } from '../../../src/worker/job-worker.js';
import { buildMessageJob } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const WEBHOOK_TOKEN = 'Wq3xVb9_kLm2Np4Rs6Tu8Vw0Xy1Za3Bc5De7Fg9Hi1Jk3Lm5No7Pq9Rs1Tu3Vw5Xy7';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue of its own and a worker on it whose reply handler parses the job, as the real one does first. */
function queueAndWorker(logger: Logger): Queue {
  const prefix = `{job-log-${randomUUID().slice(0, 8)}}`;
  const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
  const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: async (data) => (parseMessageJob(data), { status: 'posted' }) }, {
    concurrency: 1,
    lockDurationMs: 4_000,
    logger,
    metrics: NO_METRICS,
  });
  cleanups.push(() => queue.close(), () => worker.stop(1_000));
  return queue;
}

describe("the worker's lines for a job name its ids (real Redis and BullMQ)", () => {
  it('a malformed job whose guildId holds a webhook URL: no line prints its token, and none names it as the guild', async () => {
    const { logger, lines } = capturedLogger('info');
    const queue = queueAndWorker(logger);
    // A job written by another tool or version: `guildId` holds what it should not.
    const job = await queue.add('reply', { version: 1, guildId: `https://discord.com/api/webhooks/1200000000000000001/${WEBHOOK_TOKEN}` }, { attempts: 1 });
    await expect.poll(() => lines.find((line) => line.msg === 'job failed' && line.jobId === job.id), { timeout: 10_000 }).toMatchObject({ code: 'JOB_INVALID' });
    expect(JSON.stringify(lines)).not.toContain(WEBHOOK_TOKEN);
    expect(lines.filter((line) => line.jobId === job.id).every((line) => line.guildId === undefined)).toBe(true);
  });

  it("a job's guild id, a snowflake, is on every one of its lines", async () => {
    const { logger, lines } = capturedLogger('info');
    const queue = queueAndWorker(logger);
    const data = buildMessageJob();
    const job = await queue.add('reply', data);
    await expect.poll(() => lines.find((line) => line.msg === 'job done' && line.jobId === job.id), { timeout: 10_000 }).toMatchObject({ guildId: data.guildId });
  });
});
