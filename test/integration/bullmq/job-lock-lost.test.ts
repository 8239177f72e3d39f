import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { NO_METRICS, type Metrics } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler, type JobRun, type JobWorker, type JobWorkerOptions } from '../../../src/worker/job-worker.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Long enough that BullMQ's own renewal (at half of it) never comes during a test that asks `holdsJob` itself. */
const UNRENEWED_LOCK_MS = 30_000;
/** Short, so BullMQ's renewal (every 500 ms) finds a lost lock within a second. */
const SHORT_LOCK_MS = 1_000;

function newQueue(): { queue: Queue; prefix: string } {
  const prefix = `{lock-lost-${randomUUID().slice(0, 8)}}`;
  const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
  cleanups.push(() => queue.close());
  return { queue, prefix };
}

/** What a worker's runs report: every outcome it observes, failure and retry it counts, and its log lines. */
function observed() {
  const outcomes: string[] = [];
  const counted: string[] = [];
  const metrics: Metrics = {
    ...NO_METRICS,
    observeJob: (outcome) => void outcomes.push(outcome),
    countFailure: (code) => void counted.push(`failure:${code}`),
    countRetry: (code) => void counted.push(`retry:${code}`),
  };
  return { outcomes, counted, metrics, ...capturedLogger('debug') };
}

function startJobWorker(prefix: string, handlers: Record<string, JobHandler>, options: Partial<JobWorkerOptions> = {}): JobWorker {
  const worker = createJobWorker(redis.connection.duplicate(), prefix, handlers, {
    concurrency: 1,
    lockDurationMs: UNRENEWED_LOCK_MS,
    logger: createLogger('silent', 'test'),
    metrics: NO_METRICS,
    ...options,
  });
  cleanups.push(() => worker.stop(1_000));
  return worker;
}

/** A handler that reports its run, then waits for the test to let it go on with `then`. */
function pausedHandler(then: (signal: AbortSignal, run: JobRun) => Promise<{ status: string }>) {
  let reached!: (value: { signal: AbortSignal; run: JobRun }) => void;
  const running = new Promise<{ signal: AbortSignal; run: JobRun }>((resolve) => (reached = resolve));
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  const handler: JobHandler = async (_data, _log, signal, run) => {
    reached({ signal, run });
    await resumed;
    return then(signal, run);
  };
  return { handler, running, resume };
}

/** What another worker does once the lock lapsed: BullMQ's lock key holds its token now. */
async function takenOverBy(queue: Queue, jobId: string, token = 'another-worker'): Promise<void> {
  await redis.connection.set(`${queue.toKey(jobId)}:lock`, token);
}

async function stateOf(queue: Queue, jobId: string): Promise<string> {
  return (await queue.getJob(jobId))!.getState();
}

const lostLines = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.code === 'JOB_LOST');
const errorLines = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.level === 'error');

describe('a run asks whether it still holds its job (real Redis and BullMQ)', () => {
  it('while its token holds the lock, yes, and the lock is extended by a whole lock duration', async () => {
    const { queue, prefix } = newQueue();
    const answers: boolean[] = [];
    const ttls: number[] = [];
    let lockKey = '';
    const paused = pausedHandler(async (_signal, run) => {
      answers.push(await run.holdsJob());
      ttls.push(await redis.connection.pttl(lockKey));
      return { status: 'posted' };
    });
    startJobWorker(prefix, { reply: paused.handler });
    const job = await queue.add('reply', { n: 1 });
    lockKey = `${queue.toKey(job.id!)}:lock`;
    await paused.running;
    // Most of the lock spent, as after a long wait.
    await redis.connection.pexpire(lockKey, 1_000);
    paused.resume();
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('completed');
    expect(answers).toEqual([true]);
    expect(ttls[0]).toBeGreaterThan(UNRENEWED_LOCK_MS - 5_000);
  });

  it('once another worker holds it, no: its signal aborts, and the run ends neither failed, retried nor completed, said once at warn', async () => {
    const { queue, prefix } = newQueue();
    const seen = observed();
    const gaveUp: unknown[] = [];
    const held: boolean[] = [];
    let sawAbort = false;
    const paused = pausedHandler(async (signal, run) => {
      held.push(await run.holdsJob());
      sawAbort = signal.aborted;
      // As the message job does: a run that lost its job stops before posting, by throwing.
      throw new Error('stopped without posting');
    });
    startJobWorker(prefix, { reply: paused.handler }, { logger: seen.logger, metrics: seen.metrics, giveUp: { reply: async (_data, error) => void gaveUp.push(error) } });
    const job = await queue.add('reply', { n: 1 }, { attempts: 3 });
    await paused.running;
    await takenOverBy(queue, job.id!);
    paused.resume();

    await expect.poll(() => lostLines(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'warn', jobId: job.id, msg: expect.stringContaining('lost its job to another worker') }),
    ]);
    expect(held).toEqual([false]);
    expect(sawAbort).toBe(true);
    expect(seen.outcomes).toEqual(['lost']);
    expect(seen.counted).toEqual([]);
    expect(gaveUp).toEqual([]);
    // Left to the worker that holds it now: not moved by this run, and that worker's lock untouched.
    expect(await stateOf(queue, job.id!)).toBe('active');
    expect(await redis.connection.get(`${queue.toKey(job.id!)}:lock`)).toBe('another-worker');
    expect(errorLines(seen.lines)).toEqual([]);
    expect(seen.lines.some((line) => line.msg === 'job done')).toBe(false);
  });

  it('a run that finishes after losing its job leaves the job to its holder too, without BullMQ refusing to complete it', async () => {
    const { queue, prefix } = newQueue();
    const seen = observed();
    const paused = pausedHandler(async (_signal, run) => {
      await run.holdsJob();
      return { status: 'posted' };
    });
    startJobWorker(prefix, { reply: paused.handler }, { logger: seen.logger, metrics: seen.metrics });
    const job = await queue.add('reply', { n: 1 });
    await paused.running;
    await takenOverBy(queue, job.id!);
    paused.resume();

    await expect.poll(() => lostLines(seen.lines), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ level: 'warn', jobId: job.id, outcome: { status: 'posted' } }),
    ]);
    // Time for BullMQ to have complained, had it tried to complete or fail the job.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stateOf(queue, job.id!)).toBe('active');
    expect(seen.outcomes).toEqual(['lost']);
    expect(errorLines(seen.lines)).toEqual([]);
    expect(lostLines(seen.lines)).toHaveLength(1);
  });
});

describe("a run whose lock BullMQ could not renew is stopped (real Redis and BullMQ)", () => {
  it('its signal aborts with JOB_LOST at the next renewal, and the job is not put back in the queue as a shutdown would', async () => {
    const { queue, prefix } = newQueue();
    const seen = observed();
    let reason: unknown;
    const paused = pausedHandler(
      (signal) =>
        new Promise((_resolve, reject) => {
          const stop = () => {
            reason = signal.reason;
            // As a wait for another worker's webhook lock ends when its signal aborts.
            reject(new DOMException('The operation was aborted', 'AbortError'));
          };
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop, { once: true });
        }),
    );
    startJobWorker(prefix, { reply: paused.handler }, { lockDurationMs: SHORT_LOCK_MS, logger: seen.logger, metrics: seen.metrics });
    const job = await queue.add('reply', { n: 1 }, { attempts: 3 });
    await paused.running;
    paused.resume();
    await takenOverBy(queue, job.id!);

    await expect.poll(() => lostLines(seen.lines), { timeout: 10_000 }).toEqual([expect.objectContaining({ level: 'warn', jobId: job.id })]);
    expect(reason).toMatchObject({ code: 'JOB_LOST' });
    expect(await stateOf(queue, job.id!)).toBe('active');
    expect(seen.lines.some((line) => line.msg === 'job returned to the queue at shutdown')).toBe(false);
    expect(seen.outcomes).toEqual(['lost']);
    expect(seen.counted).toEqual([]);
    // BullMQ's own complaint about the renewal is there, below error level.
    expect(seen.lines.some((line) => line.level === 'debug' && String((line.err as { message?: string } | undefined)?.message).startsWith('could not renew lock'))).toBe(true);
    expect(errorLines(seen.lines)).toEqual([]);
  });

  it('a run that lost its job as the worker stops is left to its holder, not put back in the queue', async () => {
    const { queue, prefix } = newQueue();
    const seen = observed();
    const paused = pausedHandler(
      (signal, run) =>
        new Promise((_resolve, reject) => {
          // Cut off by the stop, it looks again before it would hand the job back.
          signal.addEventListener('abort', () => void run.holdsJob().then(() => reject(new DOMException('The operation was aborted', 'AbortError'))), { once: true });
        }),
    );
    const worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: paused.handler }, {
      concurrency: 1,
      lockDurationMs: UNRENEWED_LOCK_MS,
      logger: seen.logger,
      metrics: seen.metrics,
    });
    const job = await queue.add('reply', { n: 1 }, { attempts: 3 });
    await paused.running;
    paused.resume();
    await takenOverBy(queue, job.id!);
    await worker.stop(0);

    expect(lostLines(seen.lines)).toEqual([expect.objectContaining({ level: 'warn', jobId: job.id })]);
    expect(seen.lines.some((line) => line.msg === 'job returned to the queue at shutdown')).toBe(false);
    expect(await stateOf(queue, job.id!)).toBe('active');
    expect(await redis.connection.get(`${queue.toKey(job.id!)}:lock`)).toBe('another-worker');
    expect(errorLines(seen.lines)).toEqual([]);
  });

  it('the worker that took the job over after the lock lapsed runs it once; the paused run ends without it', async () => {
    const { queue, prefix } = newQueue();
    const first = observed();
    const second = observed();
    const paused = pausedHandler(async (_signal, run) => ({ status: (await run.holdsJob()) ? 'posted by the paused run' : 'never' }));
    startJobWorker(prefix, { reply: paused.handler }, { lockDurationMs: SHORT_LOCK_MS, logger: first.logger, metrics: first.metrics });
    const job = await queue.add('reply', { n: 1 }, { attempts: 3 });
    await paused.running;
    // The first worker's lock lapses (its renewals cannot reach Redis), and the second takes the stalled job.
    await redis.connection.del(`${queue.toKey(job.id!)}:lock`);
    startJobWorker(prefix, { reply: async () => ({ status: 'posted by the holder' }) }, { lockDurationMs: SHORT_LOCK_MS, logger: second.logger, metrics: second.metrics });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 15_000 }).toBe('completed');
    paused.resume();

    await expect.poll(() => lostLines(first.lines), { timeout: 10_000 }).toHaveLength(1);
    expect((await queue.getJob(job.id!))!.returnvalue).toEqual({ status: 'posted by the holder' });
    expect(second.outcomes).toEqual(['posted by the holder']);
    expect(first.outcomes).toEqual(['lost']);
    expect(errorLines(first.lines)).toEqual([]);
  });
});
