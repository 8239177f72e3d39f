import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { markRedisData } from '../../../src/adapters/redis/redis-data-sentinel.js';
import type { JobHandler } from '../../../src/worker/job-worker.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useJobQueues } from '../../support/job-queues.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();

/** Long enough that the lock never lapses in a test: only the keys' removal stops BullMQ noting the end. */
const LOCK_MS = 30_000;
const queues = useJobQueues(redis, { label: 'wiped', lockDurationMs: LOCK_MS });

/** A queue under a prefix of its own whose data sentinel is written, as a claimed prefix's is at start-up. */
async function newQueue(): Promise<{ queue: Queue; prefix: string }> {
  const created = queues.newQueue();
  await markRedisData(redis.connection, created.prefix);
  return created;
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
  queues.startJobWorker(prefix, { reply }, { logger });
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
