import { once } from 'node:events';
import { Worker, type Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { errorCodeOf, ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { parseAnalysisJob } from '../../../src/jobs/analysis-job.js';
import type { InteractionResponse } from '../../../src/ports/interaction-responder.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import type { JobHandler } from '../../../src/worker/job-worker.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useJobQueues } from '../../support/job-queues.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildAnalysisJob, buildMessageJob } from '../../factories.js';

const redis = usePrivateRedis();
const { newQueue, startJobWorker } = useJobQueues(redis, { label: 'give-up' });

/** A responder that records each edit of a deferred interaction, as the interaction webhook would receive it; answered once edited. */
function recordingResponder() {
  const edits: Array<{ applicationId: string; token: string; response: InteractionResponse }> = [];
  return {
    edits,
    editOriginal: async (applicationId: string, token: string, response: InteractionResponse) => void edits.push({ applicationId, token, response }),
    hasAnswered: async () => edits.length > 0,
    // These tests' /feels were deferred privately, as by default.
    answerPrivately: async () => expect.fail('a private deferral was answered as a public one'),
  };
}


async function stateOf(queue: Queue, jobId: string): Promise<string> {
  return (await queue.getJob(jobId))!.getState();
}

describe('the job worker gives up on a job once (real Redis and BullMQ)', () => {
  async function run(failure: () => Error, attempts: number) {
    const { queue, prefix } = newQueue();
    const tried: number[] = [];
    const gaveUp: Array<{ data: unknown; error: unknown; afterTries: number }> = [];
    const failing: JobHandler = async () => {
      tried.push(Date.now());
      throw failure();
    };
    startJobWorker(prefix, { analysis: failing }, {
      giveUp: {
        analysis: async (data, error) => {
          gaveUp.push({ data, error, afterTries: tried.length });
        },
      },
    });
    const job = await queue.add('analysis', { n: 1 }, { attempts, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('failed');
    return { tried: tried.length, gaveUp };
  }

  it('a handler is told which run of its job it is in: 1 the first time, more after a retry', async () => {
    const { queue, prefix } = newQueue();
    const runs: number[] = [];
    startJobWorker(prefix, {
      analysis: async (_data, _log, _signal, run) => {
        runs.push(run.started);
        if (runs.length < 3) throw new Error('Discord answered 502');
        return { status: 'answered' };
      },
    });
    const job = await queue.add('analysis', { n: 1 }, { attempts: 4, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('completed');
    expect(runs).toEqual([1, 2, 3]);
  });

  it('a job that keeps failing is given up after its last attempt, not before', async () => {
    const { tried, gaveUp } = await run(() => new Error('the model crashed'), 3);
    expect(tried).toBe(3);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ data: { n: 1 }, afterTries: 3 });
    expect((gaveUp[0]!.error as Error).message).toBe('the model crashed');
  });

  it('a permanent error is given up at once, after one attempt', async () => {
    const { tried, gaveUp } = await run(() => new FeelbotError(ErrorCodes.JobInvalid, 'bad job', { permanent: true }), 3);
    expect(tried).toBe(1);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]!.afterTries).toBe(1);
  });
});

describe('a job that stalled more often than allowed (its worker killed twice) is failed by BullMQ without running', () => {
  /** Takes the job twice and lets its lock lapse each time, as a worker OOM-killed mid-job would. */
  async function stallTwice(prefix: string, jobId: string): Promise<void> {
    const killed = new Worker(REPLY_QUEUE, null, { connection: redis.connection.duplicate(), prefix, lockDuration: 100, stalledInterval: 100, maxStalledCount: 1 });
    try {
      for (const attempt of [1, 2]) {
        const stalled = once(killed, 'stalled');
        const taken = await killed.getNextJob(`killed-worker-${attempt}`);
        expect(taken?.id).toBe(jobId);
        await killed.startStalledCheckTimer();
        await stalled;
      }
    } finally {
      await killed.close();
    }
  }

  it('the next worker logs it at error level with JOB_STALLED, counts it, and gives it up once', async () => {
    const { queue, prefix } = newQueue();
    const job = await queue.add('analysis', { n: 1 }, { attempts: 3 });
    await stallTwice(prefix, job.id!);
    const { logger, lines } = capturedLogger();
    const failures: string[] = [];
    const ran: unknown[] = [];
    const gaveUp: unknown[] = [];
    startJobWorker(prefix, { analysis: async (data) => (ran.push(data), { status: 'answered' }) }, {
      logger,
      metrics: { ...NO_METRICS, countFailure: (code) => void failures.push(code) },
      giveUp: { analysis: async (_data, error) => void gaveUp.push(error) },
    });
    await expect.poll(() => gaveUp.length, { timeout: 10_000 }).toBe(1);
    expect(await stateOf(queue, job.id!)).toBe('failed');
    expect(ran).toEqual([]);
    expect(errorCodeOf(gaveUp[0])).toBe('JOB_STALLED');
    expect(failures).toEqual(['JOB_STALLED']);
    expect(lines.filter((line) => line.level === 'error' && line.code === 'JOB_STALLED')).toEqual([
      expect.objectContaining({ jobId: job.id, msg: 'job failed without running: it stalled too often' }),
    ]);
  });

  it('a reply is logged at error level once, by its give-up ("reply given up"), like any reply given up, and counted once', async () => {
    const { queue, prefix } = newQueue();
    const data = buildMessageJob();
    const job = await queue.add('reply', data, { attempts: 3 });
    await stallTwice(prefix, job.id!);
    const { logger, lines } = capturedLogger();
    const failures: string[] = [];
    startJobWorker(prefix, { reply: async () => ({ status: 'replied' }) }, {
      logger,
      metrics: { ...NO_METRICS, countFailure: (code) => void failures.push(code) },
      giveUp: giveUpHandlers(recordingResponder()),
    });
    await expect.poll(() => lines.some((line) => line.msg === 'reply given up'), { timeout: 10_000 }).toBe(true);
    expect(await stateOf(queue, job.id!)).toBe('failed');
    expect(failures).toEqual(['JOB_STALLED']);
    expect(lines.filter((line) => line.jobId === job.id && (line.level === 'error' || line.level === 'warn'))).toEqual([
      expect.objectContaining({ level: 'warn', code: 'JOB_STALLED', msg: 'job failed without running: it stalled too often' }),
      expect.objectContaining({ level: 'error', code: 'JOB_STALLED', messageId: data.messageId, msg: 'reply given up' }),
    ]);
  });
});

describe('a /feel whose job is malformed is still answered', () => {
  async function failAnalysis(data: unknown) {
    const { queue, prefix } = newQueue();
    const responder = recordingResponder();
    const { logger, lines } = capturedLogger();
    startJobWorker(prefix, { analysis: async (job) => ({ status: parseAnalysisJob(job).source }) }, { logger, giveUp: giveUpHandlers(responder) });
    const job = await queue.add('analysis', data, { attempts: 3 });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('failed');
    return { edits: responder.edits, lines };
  }

  it.each([
    ['a version the worker does not know', { version: 2 }],
    ['a text over 4,000 characters', { text: 'a'.repeat(4_001) }],
  ])('with %s, the deferred reply is edited to explain JOB_INVALID', async (_case, overrides) => {
    const job = buildAnalysisJob();
    const { edits } = await failAnalysis({ ...job, ...overrides });
    await expect.poll(() => edits.length).toBe(1);
    expect(edits[0]).toMatchObject({ applicationId: job.applicationId, token: job.token });
    expect(edits[0]!.response.content).toContain('(JOB_INVALID)');
  });

  it('with no interaction token to answer with, it says so at error level', async () => {
    const { token: _token, ...withoutToken } = buildAnalysisJob();
    const { edits, lines } = await failAnalysis(withoutToken);
    await expect.poll(() => lines.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({ code: 'JOB_INVALID', msg: 'the failed /feel cannot be answered: its job has no application id and token' }),
    ]);
    expect(edits).toEqual([]);
  });
});

describe('a reply job that fails for good is logged at error level, once', () => {
  async function runReply(failures: Array<() => Error>, attempts: number) {
    const { queue, prefix } = newQueue();
    const { logger, lines } = capturedLogger();
    const remaining = [...failures];
    startJobWorker(prefix, {
      reply: async () => {
        const failure = remaining.shift();
        if (failure) throw failure();
        return { status: 'replied' };
      },
    }, { logger, giveUp: giveUpHandlers(recordingResponder()) });
    const data = buildMessageJob();
    const job = await queue.add('reply', data, { attempts, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toMatch(/^(completed|failed)$/);
    return { data, givenUp: lines.filter((line) => line.msg === 'reply given up'), state: await stateOf(queue, job.id!) };
  }

  it('a permanent error: one error line with the message, channel and code', async () => {
    const { data, givenUp } = await runReply([() => new FeelbotError(ErrorCodes.WebhookLimitReached, 'full', { permanent: true })], 3);
    expect(givenUp).toEqual([
      expect.objectContaining({ level: 'error', messageId: data.messageId, channelId: data.channelId, code: 'WEBHOOK_LIMIT_REACHED' }),
    ]);
  });

  it('a retryable error on the last attempt: one error line', async () => {
    const { givenUp } = await runReply([() => new Error('Discord 503'), () => new Error('Discord 503')], 2);
    expect(givenUp).toEqual([expect.objectContaining({ level: 'error', code: 'UNEXPECTED' })]);
  });

  it('a retryable error with attempts left, then a success: no such line', async () => {
    const { givenUp, state } = await runReply([() => new Error('Discord 503')], 2);
    expect(state).toBe('completed');
    expect(givenUp).toEqual([]);
  });
});

describe('a Discord rate limit delays the job without using up an attempt', () => {
  const rateLimited = (retryAfterMs: number) =>
    new FeelbotError(ErrorCodes.DiscordRateLimited, 'Discord asked to wait', { details: { retryAfterMs } });

  it('the job runs again no sooner than retry-after and completes with one attempt counted', async () => {
    const { queue, prefix } = newQueue();
    const { logger, lines } = capturedLogger();
    const runs: number[] = [];
    startJobWorker(prefix, {
      reply: async () => {
        runs.push(Date.now());
        if (runs.length === 1) throw rateLimited(300);
        return { status: 'replied' };
      },
    }, { logger });
    // A second attempt with a short backoff, so a counted failure would also complete, only sooner.
    const job = await queue.add('reply', buildMessageJob(), { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('completed');
    expect(runs).toHaveLength(2);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(300);
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1);
    expect(lines.filter((line) => line.msg === 'job delayed by a Discord rate limit')).toEqual([
      expect.objectContaining({ level: 'info', code: 'DISCORD_RATE_LIMITED', delayMs: expect.any(Number) }),
    ]);
  });

  it("a LoRA persona's busy sequences (LLM_BUSY) delay the job the same way, so its slot is free for other replies", async () => {
    const { queue, prefix } = newQueue();
    const { logger, lines } = capturedLogger();
    const runs: number[] = [];
    const busy = new FeelbotError(ErrorCodes.LlmBusy, 'busy', { details: { retryAfterMs: 200 } });
    startJobWorker(prefix, {
      reply: async () => {
        runs.push(Date.now());
        if (runs.length === 1) throw busy;
        return { status: 'replied' };
      },
    }, { logger });
    const job = await queue.add('reply', buildMessageJob(), { attempts: 1 });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('completed');
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(200);
    expect(lines.filter((line) => line.msg === 'job delayed until it can run')).toEqual([expect.objectContaining({ code: 'LLM_BUSY' })]);
  });

  it('a wait that would end past the deadline is not waited for: the job fails as usual', async () => {
    const { queue, prefix } = newQueue();
    const gaveUp: unknown[] = [];
    startJobWorker(prefix, { reply: async () => { throw rateLimited(11 * 60_000); } }, { giveUp: { reply: async (_data, error) => void gaveUp.push(error) } });
    const job = await queue.add('reply', buildMessageJob(), { attempts: 1 });
    await expect.poll(() => stateOf(queue, job.id!), { timeout: 10_000 }).toBe('failed');
    expect(gaveUp.map(errorCodeOf)).toEqual(['DISCORD_RATE_LIMITED']);
  });
});
