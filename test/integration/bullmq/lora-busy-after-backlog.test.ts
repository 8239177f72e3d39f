import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_OPTIONS } from '../../../src/adapters/bullmq/job-options.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { giveUpReply } from '../../../src/jobs/give-up-reply.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useJobQueues } from '../../support/job-queues.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildMessageJob } from '../../factories.js';

const redis = usePrivateRedis();
const { newQueue, startJobWorker } = useJobQueues(redis, { label: 'lora-busy-backlog' });

/** Longer than the default attempts' backoff (2 s + 4 s + 8 s): counted as failures, the busy tries would use them all up. */
const BUSY_MS = 20_000;

async function stateOf(queue: Queue, jobId: string): Promise<string> {
  return (await queue.getJob(jobId))!.getState();
}

describe("a LoRA persona's busy sequences after a backlog (real Redis and BullMQ)", () => {
  it('a reply that waited 11 minutes in a backlog and meets its LoRA persona busy (a 20 s generation) is still answered, not given up', async () => {
    const { queue, prefix } = newQueue();
    const { logger, lines } = capturedLogger();
    const started = Date.now();
    const runs: number[] = [];
    // The persona's single LoRA sequence is busy writing another reply for the next 20 s.
    const busyUntil = started + BUSY_MS;
    startJobWorker(prefix, {
      reply: async () => {
        runs.push(Date.now() - started);
        if (Date.now() < busyUntil) throw new FeelbotError(ErrorCodes.LlmBusy, "Every sequence of LoRA adapter joy.gguf's context is busy.", { permanent: false, details: { retryAfterMs: 2_000 } });
        return { status: 'posted' };
      },
    }, { logger, giveUp: { reply: giveUpReply } });
    // Queued (by the gateway) 11 minutes ago; workers were busy with a backlog since.
    const job = await queue.add('reply', buildMessageJob(), { ...DEFAULT_JOB_OPTIONS, timestamp: Date.now() - 11 * 60_000 });
    await expect.poll(async () => stateOf(queue, job.id!), { timeout: 40_000, interval: 250 }).not.toMatch(/^(waiting|active|delayed|prioritized)$/);
    const state = await stateOf(queue, job.id!);
    const givenUp = lines.filter((l) => l.msg === 'reply given up').map((l) => ({ level: l.level, code: l.code }));
    // Only the run that posted counts as an attempt: the busy ones were delays.
    expect({ state, givenUp, attemptsMade: (await queue.getJob(job.id!))!.attemptsMade }).toEqual({ state: 'completed', givenUp: [], attemptsMade: 1 });
    // It ran once the sequence was free, after waiting out the busy ones.
    expect(runs.at(-1)).toBeGreaterThanOrEqual(BUSY_MS);
  }, 60_000);
});
