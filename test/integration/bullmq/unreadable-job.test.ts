import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import type { JobHandler, JobWorkerOptions } from '../../../src/worker/job-worker.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useJobQueues } from '../../support/job-queues.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildAnalysisJob, buildMessageJob } from '../../factories.js';

const redis = usePrivateRedis();
/** Locks that expire fast, so a job left active without a lock stalls within the test. */
const { newQueue, startJobWorker } = useJobQueues(redis, { label: 'unreadable', lockDurationMs: 1_000, stopGraceMs: 500 });

/** Several lock durations and stalled checks: a job that cycles through stalls would still be active or waiting. */
const SETTLE_MS = 8_000;
/** What a hand edit, or another version's writer, left in the job's hash: no JSON. */
const NOT_JSON = '{"guildId":"1","token":"secret-interaction-token';

/** Overwrites one field of a stored job's hash, as a hand edit would. */
async function corrupt(prefix: string, jobId: string, field: string, value: string): Promise<void> {
  await redis.connection.hset(`${prefix}:${REPLY_QUEUE}:${jobId}`, field, value);
}

async function rawField(prefix: string, jobId: string, field: string): Promise<string | null> {
  return redis.connection.hget(`${prefix}:${REPLY_QUEUE}:${jobId}`, field);
}

async function stateOf(queue: Queue, jobId: string): Promise<string> {
  return queue.getJobState(jobId);
}

describe('a job whose stored data or options are not JSON (real Redis and BullMQ)', () => {
  it.each([
    ['data', NOT_JSON],
    ['opts', '{"attempts":4,'],
  ])('with its %s unreadable, it fails once as JOB_INVALID without running, instead of cycling through stalls', async (field, value) => {
    const { queue, prefix } = newQueue();
    const job = await queue.add('analysis', buildAnalysisJob(), { jobId: `feel-${field}`, attempts: 4 });
    await corrupt(prefix, job.id!, field, value);
    const { logger, lines } = capturedLogger();
    const ran: unknown[] = [];
    const gaveUp: unknown[] = [];
    const failures: string[] = [];
    const retries: string[] = [];
    startJobWorker(prefix, { analysis: async (data) => (ran.push(data), { status: 'answered' }) }, {
      logger,
      metrics: { ...NO_METRICS, countFailure: (code) => void failures.push(code), countRetry: (code) => void retries.push(code) },
      giveUp: { analysis: async (data) => void gaveUp.push(data) },
    });

    await expect.poll(() => stateOf(queue, job.id!), { timeout: SETTLE_MS }).toBe('failed');
    expect(ran).toEqual([]);
    expect(failures).toEqual(['JOB_INVALID']);
    expect(retries).toEqual([]);
    // Nothing to answer the /feel with: its interaction token is in the data that cannot be read.
    expect(gaveUp).toEqual([]);
    expect(lines.filter((line) => line.level === 'error' && line.code === 'JOB_INVALID')).toEqual([
      expect.objectContaining({ jobId: job.id, unreadable: [field], msg: 'job failed without running: its stored data is not JSON' }),
    ]);
    expect(lines.filter((line) => line.msg === 'worker error')).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('secret-interaction-token');
    // Kept as it was, for an operator to read in the failed set.
    expect(await rawField(prefix, job.id!, field)).toBe(value);
    expect(await rawField(prefix, job.id!, 'failedReason')).toMatch(/^JOB_INVALID: /);
  }, 15_000);

  it('one that stalled too often before (stuck in a loop under an older worker) fails as JOB_INVALID, not JOB_STALLED', async () => {
    const { queue, prefix } = newQueue();
    const job = await queue.add('reply', buildMessageJob(), { jobId: 'msg-looped', attempts: 4 });
    await corrupt(prefix, job.id!, 'data', NOT_JSON);
    // What BullMQ's stalled check writes on a job it gives up on, to be failed when next fetched.
    await corrupt(prefix, job.id!, 'defa', 'job stalled more than allowable limit');
    const failures: string[] = [];
    startJobWorker(prefix, { reply: async () => ({ status: 'posted' }) }, {
      metrics: { ...NO_METRICS, countFailure: (code) => void failures.push(code) },
    });

    await expect.poll(() => stateOf(queue, job.id!), { timeout: SETTLE_MS }).toBe('failed');
    expect(failures).toEqual(['JOB_INVALID']);
  }, 15_000);

  it('with two workers on the queue, each unreadable job fails once and each readable one runs once', async () => {
    const { queue, prefix } = newQueue();
    const readable = await Promise.all([1, 2, 3].map((n) => queue.add('reply', buildMessageJob({ content: `hello ${n}` }), { jobId: `ok-${n}`, attempts: 4 })));
    const unreadable = await Promise.all([1, 2, 3].map((n) => queue.add('reply', buildMessageJob(), { jobId: `bad-${n}`, attempts: 4 })));
    for (const job of unreadable) await corrupt(prefix, job.id!, 'data', NOT_JSON);
    const ran: string[] = [];
    const failures: string[] = [];
    const options: Partial<JobWorkerOptions> = { concurrency: 2, metrics: { ...NO_METRICS, countFailure: (code) => void failures.push(code) } };
    const reply: JobHandler = async (data) => (ran.push((data as { content: string }).content), { status: 'posted' });
    startJobWorker(prefix, { reply }, options);
    startJobWorker(prefix, { reply }, options);

    for (const job of unreadable) await expect.poll(() => stateOf(queue, job.id!), { timeout: SETTLE_MS }).toBe('failed');
    for (const job of readable) await expect.poll(() => stateOf(queue, job.id!), { timeout: SETTLE_MS }).toBe('completed');
    expect(ran.sort()).toEqual(['hello 1', 'hello 2', 'hello 3']);
    expect(failures).toEqual(['JOB_INVALID', 'JOB_INVALID', 'JOB_INVALID']);
  }, 30_000);
});
