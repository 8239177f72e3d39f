import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { ANALYSIS_JOB_OPTIONS } from '../../../src/adapters/bullmq/job-options.js';
import { JobPriority } from '../../../src/adapters/bullmq/job-priorities.js';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { handleAnalysisJob } from '../../../src/jobs/handle-analysis-job.js';
import type { InteractionResponse } from '../../../src/ports/interaction-responder.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildAnalysisJob, buildAnalysisJobDeps } from '../../factories.js';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Long enough that the run goes on well inside it: only the closed sends stop the answer, not the grace's abort. */
const GRACE_MS = 5_000;
/** Longer than the close's whole wait: the worker's sends close as soon as it is told to stop. */
const LONGEST_SEND_MS = 60_000;

describe('a /feel whose answer is ready only after its worker closed its sends (real Redis and BullMQ)', () => {
  it('sends nothing, neither the card nor a failure notice, and goes back to waiting without using an attempt', async () => {
    const prefix = `{feel-at-stop-${randomUUID().slice(0, 8)}}`;
    const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
    cleanups.push(() => queue.close());
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const sent: Array<string | InteractionResponse> = [];
    const deps = buildAnalysisJobDeps({
      // The persona line is still being written as the worker is told to stop; it ends after the sends closed.
      generator: {
        parallelism: 1,
        generate: async () => {
          started();
          await released;
          return { text: 'So happy for you!', tokens: 5, truncated: false, firstTokenMs: 1, totalMs: 2 };
        },
        dispose: async () => undefined,
      },
      responder: {
        editOriginal: async (_app, _token, response) => void sent.push(response),
        hasAnswered: async () => sent.length > 0,
        answerPrivately: async (_app, _token, answer) => void sent.push(answer),
      },
    });
    const analysis: JobHandler = (data, log, signal, run) => handleAnalysisJob(data, { ...deps, logger: log }, signal, run);
    const worker = createJobWorker(redis.connection.duplicate(), prefix, { analysis }, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      giveUp: giveUpHandlers(deps.responder),
      longestSendMs: LONGEST_SEND_MS,
    });
    const job = buildAnalysisJob();
    const jobId = analysisJobId(job.interactionId);
    // One attempt: a failure counted as such would be the last, and tell the asker their /feel failed.
    await queue.add('analysis', job, { ...ANALYSIS_JOB_OPTIONS, jobId, priority: JobPriority.analysis, attempts: 1 });
    await running;
    const stopping = worker.stop(GRACE_MS);
    // The sends close on a 0 ms timer once the stop starts.
    await sleep(50);
    release();
    await stopping;

    // A completed /feel is removed from the queue (removeOnComplete).
    const left = await queue.getJob(jobId);
    const state = left ? `${await left.getState()}/${left.attemptsMade}` : 'removed';
    // Waiting by its priority for the next worker, with no attempt used.
    expect(state).toBe('prioritized/0');
    expect(sent).toEqual([]);
  });
});
