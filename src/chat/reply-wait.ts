import { DEFAULT_JOB_OPTIONS } from '../adapters/bullmq/job-options.js';

/** Classifying, queueing and posting around the generation itself, per attempt. */
const ATTEMPT_OVERHEAD_MS = 15_000;

/**
 * How long a terminal turn waits for its reply: every attempt the queue allows, each up to the
 * LLM's timeout, plus the exponential backoff between them. Longer than that, the reply is lost.
 */
export function replyWaitMs(generationTimeoutMs: number): number {
  const { attempts, backoff } = DEFAULT_JOB_OPTIONS;
  let backoffMs = 0;
  for (let retry = 1; retry < attempts; retry++) backoffMs += backoff.delay * 2 ** (retry - 1);
  return attempts * (generationTimeoutMs + ATTEMPT_OVERHEAD_MS) + backoffMs;
}
