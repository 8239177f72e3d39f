import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { ANALYSIS_JOB_OPTIONS } from '../../../src/adapters/bullmq/job-options.js';
import { JobPriority } from '../../../src/adapters/bullmq/job-priorities.js';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createGenerationSignal } from '../../../src/adapters/llama/generation-signal.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { handleAnalysisJob } from '../../../src/jobs/handle-analysis-job.js';
import type { InteractionResponse } from '../../../src/ports/interaction-responder.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import { createJobWorker, type JobHandler, type JobWorkerOptions } from '../../../src/worker/job-worker.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildAnalysisJob, buildAnalysisJobDeps, buildMessageJob } from '../../factories.js';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Short, so the grace runs out while the job is still running. */
const GRACE_MS = 300;

function newQueue(): { queue: Queue; prefix: string } {
  const prefix = `{after-grace-${randomUUID().slice(0, 8)}}`;
  const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
  cleanups.push(() => queue.close());
  return { queue, prefix };
}

function newJobWorker(prefix: string, handlers: Record<string, JobHandler>, options: Partial<JobWorkerOptions> = {}) {
  return createJobWorker(redis.connection.duplicate(), prefix, handlers, {
    concurrency: 1,
    lockDurationMs: 4_000,
    logger: createLogger('silent', 'test'),
    metrics: NO_METRICS,
    ...options,
  });
}

/** A handler that tells when it runs, then fails with what `onAbort` makes of the shutdown's abort. */
function failingOnAbort(onAbort: (signal: AbortSignal) => Promise<unknown>): { handler: JobHandler; running: Promise<void> } {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const handler: JobHandler = (_data, _log, signal) => {
    started();
    return new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => void onAbort(signal).catch(reject), { once: true }));
  };
  return { handler, running };
}

/** Runs one reply job until the worker's stop aborts it; returns the job as it is left. */
async function stopDuring(onAbort: (signal: AbortSignal) => Promise<unknown>, attempts = 4) {
  const { queue, prefix } = newQueue();
  const { handler, running } = failingOnAbort(onAbort);
  const gaveUp: unknown[] = [];
  const worker = newJobWorker(prefix, { reply: handler }, { giveUp: { reply: async (_data, error) => void gaveUp.push(error) } });
  const job = await queue.add('reply', buildMessageJob(), { attempts, backoff: { type: 'fixed', delay: 60_000 } });
  await running;
  await worker.stop(GRACE_MS);
  const left = (await queue.getJob(job.id!))!;
  return { state: await left.getState(), attemptsMade: left.attemptsMade, gaveUp };
}

describe('a job cut off by the shutdown goes back to waiting, without using up an attempt (real Redis and BullMQ)', () => {
  it("when it fails with the signal's own reason", async () => {
    expect(await stopDuring(async (signal) => Promise.reject(signal.reason))).toMatchObject({ state: 'waiting', attemptsMade: 0 });
  });

  it('when it fails with an AbortError (a wait the signal cut short)', async () => {
    expect(await stopDuring((signal) => sleep(60_000, undefined, { signal }))).toMatchObject({ state: 'waiting', attemptsMade: 0 });
  });

  it("when the generator's own shutdown ends the reply with GENERATION_ABORTED, though it is marked permanent", async () => {
    const generatorShutdown = new AbortController();
    const generation = createGenerationSignal({ shutdown: generatorShutdown.signal });
    const result = await stopDuring(async () => {
      generatorShutdown.abort();
      throw generation.signal.reason;
    }, 1);
    expect(result).toEqual({ state: 'waiting', attemptsMade: 0, gaveUp: [] });
  });

  it('when the reply is cancelled through its request signal (GENERATION_ABORTED)', async () => {
    const result = await stopDuring(async (signal) => {
      throw createGenerationSignal({ request: signal, shutdown: new AbortController().signal }).signal.reason;
    }, 1);
    expect(result).toEqual({ state: 'waiting', attemptsMade: 0, gaveUp: [] });
  });
});

describe('a failure the abort did not cause, landing after the shutdown grace ran out, is handled as any other', () => {
  it('a retryable one uses up an attempt', async () => {
    const result = await stopDuring(async () => {
      throw new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord answered 503', { details: { status: 503 } });
    });
    expect(result).toMatchObject({ state: 'delayed', attemptsMade: 1, gaveUp: [] });
  });

  it('a permanent one fails the job and gives it up', async () => {
    const result = await stopDuring(async () => {
      throw new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the post (400)', { permanent: true, details: { status: 400 } });
    });
    expect(result.state).toBe('failed');
    expect(result.gaveUp).toEqual([expect.objectContaining({ code: ErrorCodes.DiscordRequestFailed })]);
  });

  it('a /feel whose answer Discord refuses for good (400) as the grace ends is failed and told so, not put back in the queue', async () => {
    const { queue, prefix } = newQueue();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const notices: InteractionResponse[] = [];
    let refusedCards = 0;
    const deps = buildAnalysisJobDeps({
      // The persona line is being written when the grace runs out: it is cut off, and the answer goes on without it.
      generator: {
        parallelism: 1,
        generate: (request) =>
          new Promise((_resolve, reject) => {
            started();
            request.signal?.addEventListener('abort', () => reject(new FeelbotError(ErrorCodes.GenerationAborted, 'The reply was cancelled.')));
          }),
        dispose: async () => undefined,
      },
      responder: {
        editOriginal: async (_app, _token, response) => {
          // The answer's card, refused for good (400 Invalid Form Body); the failure notice, text only, goes through.
          if (response.embeds.length > 0 && !response.content) {
            refusedCards++;
            throw new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the answer (400)', { permanent: true, details: { status: 400 } });
          }
          notices.push(response);
        },
        hasAnswered: async () => false,
        answerPrivately: async () => expect.fail('a private deferral was answered as a public one'),
      },
    });
    const analysis: JobHandler = (data, log, signal, run) => handleAnalysisJob(data, { ...deps, logger: log }, signal, run);
    const worker = newJobWorker(prefix, { analysis }, { giveUp: giveUpHandlers(deps.responder) });
    const job = buildAnalysisJob();
    await queue.add('analysis', job, { jobId: analysisJobId(job.interactionId), priority: JobPriority.analysis, attempts: 4, ...ANALYSIS_JOB_OPTIONS });
    await running;
    await worker.stop(GRACE_MS);

    expect(await queue.getJobState(analysisJobId(job.interactionId))).toBe('failed');
    expect(refusedCards).toBe(1);
    expect(notices).toEqual([expect.objectContaining({ content: expect.stringContaining('DISCORD_REQUEST_FAILED') })]);
  });
});
