import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { NO_METRICS, type Metrics } from '../../src/ports/metrics.js';
import { reportFailedOutsideHandler } from '../../src/worker/failed-outside-handler.js';
import { capturedLogger } from '../support/captured-logger.js';

/** Records what was counted, by kind and code. */
function countingMetrics(): Metrics & { counted: string[] } {
  const counted: string[] = [];
  return {
    ...NO_METRICS,
    counted,
    countFailure: (code) => counted.push(`failure:${code}`),
    countRetry: (code) => counted.push(`retry:${code}`),
  };
}

/** The fields of a BullMQ job the report reads; `finishedOn` is set once BullMQ has failed it for good. */
function failedJob(finishedOn: number | undefined): Job {
  return { id: '7', name: 'message', data: { guildId: '1' }, finishedOn } as unknown as Job;
}

describe('a job that failed outside its handler', () => {
  it('counts as a retry while BullMQ will run it again, and as a failure once it is given up', async () => {
    const metrics = countingMetrics();
    const { logger, lines } = capturedLogger();
    const lostLock = new Error('Missing lock for job 7. moveToDelayed');
    await reportFailedOutsideHandler(failedJob(undefined), lostLock, { giveUp: undefined, logger, metrics });
    await reportFailedOutsideHandler(failedJob(Date.now()), lostLock, { giveUp: undefined, logger, metrics });
    expect(metrics.counted).toEqual(['retry:UNEXPECTED', 'failure:UNEXPECTED']);
    expect(lines.map((line) => line.final)).toEqual([false, true]);
  });

  it('counts a job that stalled too often as a JOB_STALLED failure', async () => {
    const metrics = countingMetrics();
    const { logger } = capturedLogger();
    await reportFailedOutsideHandler(failedJob(Date.now()), new Error('job stalled more than allowable limit'), { giveUp: undefined, logger, metrics });
    expect(metrics.counted).toEqual(['failure:JOB_STALLED']);
  });
});
