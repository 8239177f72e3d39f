import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { dataSentinelKey, markRedisData } from '../../../src/adapters/redis/redis-data-sentinel.js';
import { NO_METRICS, type Metrics } from '../../../src/ports/metrics.js';
import type { JobHandler } from '../../../src/worker/job-worker.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useJobQueues } from '../../support/job-queues.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();

/** Long enough that BullMQ's own renewal never comes: the run asks `holdsJob` itself. */
const UNRENEWED_LOCK_MS = 30_000;
const queues = useJobQueues(redis, { label: 'vanished', lockDurationMs: UNRENEWED_LOCK_MS });

/** A queue under a prefix of its own whose data sentinel is written, as a claimed prefix's is at start-up. */
async function newQueue(): Promise<{ queue: Queue; prefix: string }> {
  const created = queues.newQueue();
  await markRedisData(redis.connection, created.prefix);
  return created;
}

/** Known before it is added: the handler may run before `add` resolves. */
const JOB_ID = 'msg-1';

/**
 * A worker whose handler waits for `meanwhile`, then asks whether it still holds its job and stops
 * without posting when not; or, `finished`, as a run whose post had gone out just before, returns.
 */
function startWorker(prefix: string, meanwhile: () => Promise<void>, finished = false) {
  const outcomes: string[] = [];
  const counted: string[] = [];
  const metrics: Metrics = { ...NO_METRICS, observeJob: (outcome) => void outcomes.push(outcome), countFailure: (code) => void counted.push(code) };
  const { logger, lines } = capturedLogger('info');
  const held: boolean[] = [];
  const reply: JobHandler = async (_data, _log, _signal, run) => {
    await meanwhile();
    held.push(await run.holdsJob());
    if (finished) return { status: 'posted' };
    throw new Error('stopped without posting');
  };
  queues.startJobWorker(prefix, { reply }, { logger, metrics });
  return { outcomes, counted, lines, held };
}

async function deleteEverythingUnder(prefix: string): Promise<void> {
  const keys = await redis.connection.keys(`${prefix}*`);
  if (keys.length > 0) await redis.connection.del(...keys);
}

const coded = (lines: Array<Record<string, unknown>>) => lines.filter((line) => typeof line.code === 'string');

describe('a run whose job is no longer in Redis when it finds its lock lost (real Redis and BullMQ)', () => {
  it('gone with the rest of Redis\'s data (a restart without AOF): REDIS_DATA_LOST at error, counted as a failure, never "the worker holding the job now finishes it"', async () => {
    const { queue, prefix } = await newQueue();
    const seen = startWorker(prefix, () => deleteEverythingUnder(prefix));
    const job = await queue.add('reply', { n: 1 }, { attempts: 3, jobId: JOB_ID });

    await expect.poll(() => coded(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'error', code: 'REDIS_DATA_LOST', jobId: job.id, msg: expect.stringMatching(/vanished from Redis.*not answered/) }),
    ]);
    expect(seen.held).toEqual([false]);
    expect(seen.outcomes).toEqual(['data-lost']);
    expect(seen.counted).toEqual(['REDIS_DATA_LOST']);
    // Nothing put back or recreated for a job Redis no longer has.
    expect(await redis.connection.exists(queue.toKey(job.id!))).toBe(0);
  });

  it('gone with the rest of Redis\'s data after the run posted: REDIS_DATA_LOST at error with its outcome, saying its end is not noted, no failure counted', async () => {
    const { queue, prefix } = await newQueue();
    const seen = startWorker(prefix, () => deleteEverythingUnder(prefix), true);
    const job = await queue.add('reply', { n: 1 }, { attempts: 3, jobId: JOB_ID });

    await expect.poll(() => coded(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'error', code: 'REDIS_DATA_LOST', jobId: job.id, outcome: { status: 'posted' }, msg: expect.stringContaining('its end is not noted') }),
    ]);
    expect(seen.outcomes).toEqual(['data-lost']);
    expect(seen.counted).toEqual([]);
  });

  it('removed while its lock had lapsed, Redis keeping its data (a deleted message, another worker finished it): JOB_LOST at warn, saying it left Redis', async () => {
    const { queue, prefix } = await newQueue();
    const seen = startWorker(prefix, async () => {
      // The lock lapsed (a paused worker), then the gateway withdrew the job, as for a deleted message.
      await redis.connection.del(`${queue.toKey(JOB_ID)}:lock`);
      expect(await queue.remove(JOB_ID)).toBe(1);
    });
    const job = await queue.add('reply', { n: 1 }, { attempts: 3, jobId: JOB_ID });

    await expect.poll(() => coded(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'warn', code: 'JOB_LOST', jobId: job.id, msg: expect.stringContaining('the job has left Redis meanwhile') }),
    ]);
    expect(seen.outcomes).toEqual(['lost']);
    expect(seen.counted).toEqual([]);
    expect(await redis.connection.exists(dataSentinelKey(prefix))).toBe(1);
  });
});
