import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { markRedisData } from '../../../src/adapters/redis/redis-data-sentinel.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Long enough that the lock never lapses in a test: only the keys' removal stops BullMQ noting the end. */
const LOCK_MS = 30_000;

/** A queue under a prefix of its own whose data sentinel is written, as a claimed prefix's is at start-up. */
async function newQueue(): Promise<{ queue: Queue; prefix: string }> {
  const prefix = `{wiped-${randomUUID().slice(0, 8)}}`;
  await markRedisData(redis.connection, prefix);
  const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
  cleanups.push(() => queue.close());
  return { queue, prefix };
}

/** A worker whose handler does its work, then `meanwhile` (what wipes its job's keys), then returns or throws as `ends`. */
function startWorker(prefix: string, meanwhile: () => Promise<void>, ends: 'returns' | 'throws' = 'returns') {
  const { logger, lines } = capturedLogger('info');
  const finished: string[] = [];
  const reply: JobHandler = async () => {
    await meanwhile();
    finished.push(ends);
    if (ends === 'throws') throw new Error('the post failed');
    return { status: 'posted' };
  };
  const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply }, { concurrency: 1, lockDurationMs: LOCK_MS, logger, metrics: NO_METRICS });
  cleanups.push(() => worker.stop(1_000));
  return { lines, finished };
}

const coded = (lines: Array<Record<string, unknown>>) => lines.filter((line) => typeof line.code === 'string');
const uncoded = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.msg === 'worker error');

/** A job's own keys: its hash, its lock and its logs, as BullMQ names them. */
async function deleteKeysOf(queue: Queue, jobId: string): Promise<void> {
  const key = queue.toKey(jobId);
  await redis.connection.del(key, `${key}:lock`, `${key}:logs`);
}

describe("a reply job whose keys leave Redis after its handler finished, before BullMQ noted its end (real Redis and BullMQ)", () => {
  it('Redis emptied meanwhile (FLUSHALL, as a restart without AOF leaves it): one REDIS_DATA_LOST at error naming the job, no uncoded worker error', async () => {
    const { queue, prefix } = await newQueue();
    const seen = startWorker(prefix, async () => void (await redis.connection.flushall()));
    const job = await queue.add('reply', { n: 1 }, { jobId: 'msg-1', attempts: 3 });

    await expect.poll(() => coded(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'error', code: 'REDIS_DATA_LOST', jobId: job.id, msg: expect.stringMatching(/vanished from Redis.*after its run.*appendonly yes/) }),
    ]);
    expect(seen.finished).toEqual(['returns']);
    // BullMQ tries twice (complete, then fail) and says so twice: still told once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(coded(seen.lines)).toHaveLength(1);
    expect(uncoded(seen.lines)).toEqual([]);
  });

  it("only the job's own keys removed, Redis keeping its data (removed while running, evicted): JOB_LOST at warn naming the job, no uncoded worker error", async () => {
    const { queue, prefix } = await newQueue();
    const seen = startWorker(prefix, () => deleteKeysOf(queue, 'msg-2'));
    const job = await queue.add('reply', { n: 1 }, { jobId: 'msg-2', attempts: 3 });

    await expect.poll(() => coded(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'warn', code: 'JOB_LOST', jobId: job.id, msg: expect.stringMatching(/left Redis after its run ended/) }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(coded(seen.lines)).toHaveLength(1);
    expect(uncoded(seen.lines)).toEqual([]);
  });

  it('a handler that failed, its job emptied from Redis meanwhile: the failure, then one REDIS_DATA_LOST for the job whose failure is not noted', async () => {
    const { queue, prefix } = await newQueue();
    const seen = startWorker(prefix, async () => void (await redis.connection.flushall()), 'throws');
    const job = await queue.add('reply', { n: 1 }, { jobId: 'msg-3', attempts: 1 });

    await expect.poll(() => coded(seen.lines).map((line) => line.code), { timeout: 10_000 }).toEqual(['UNEXPECTED', 'REDIS_DATA_LOST']);
    expect(coded(seen.lines)[1]).toEqual(expect.objectContaining({ level: 'error', jobId: job.id }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(uncoded(seen.lines)).toEqual([]);
  });
});
