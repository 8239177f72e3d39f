import { describe, expect, it } from 'vitest';
import { catchUpStaleBurst } from '../../src/jobs/catch-up-stale-burst.js';
import { parseMessageJob, type ParsedMessageJob } from '../../src/jobs/message-job.js';
import type { BurstCatchUp } from '../../src/ports/burst-catch-up.js';
import { buildMessageJob, snowflake } from '../factories.js';
import { capturedLogger } from '../support/captured-logger.js';

/** A BurstCatchUp that answers `caughtUp` and notes each job it is asked about. */
function fakeCatchUp(caughtUp: ParsedMessageJob | undefined): BurstCatchUp & { readonly asked: string[] } {
  const asked: string[] = [];
  return { asked, catchUp: async (jobId) => (asked.push(jobId), caughtUp) };
}

describe('catchUpStaleBurst', () => {
  it('asks nothing for a job without a burst id', async () => {
    const job = parseMessageJob(buildMessageJob());
    const bursts = fakeCatchUp(undefined);
    expect(await catchUpStaleBurst(job, 'msg-1', { bursts, logger: capturedLogger().logger })).toBe(job);
    expect(bursts.asked).toEqual([]);
  });

  it('answers the caught-up job, and logs the ids it caught up with, never their text', async () => {
    const [first, second, third] = [snowflake(), snowflake(), snowflake()];
    const stale = parseMessageJob(buildMessageJob({ messageId: second, burst: [first], replyId: first, content: 'guess what\nI passed' }));
    const caughtUp = parseMessageJob({ ...stale, messageId: third, burst: [first, second], content: 'guess what\nI passed\nmy secret exam' });
    const { logger, lines } = capturedLogger();

    expect(await catchUpStaleBurst(stale, `msg-${second}`, { bursts: fakeCatchUp(caughtUp), logger })).toBe(caughtUp);
    expect(lines).toMatchObject([{ event: 'BURST_CAUGHT_UP', jobId: `msg-${second}`, burstId: first, messageId: third, caughtUp: [third] }]);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('answers the job as queued when there is nothing to catch up, and logs nothing', async () => {
    const job = parseMessageJob(buildMessageJob({ replyId: snowflake() }));
    const bursts = fakeCatchUp(undefined);
    const { logger, lines } = capturedLogger();
    expect(await catchUpStaleBurst(job, 'msg-1', { bursts, logger })).toBe(job);
    expect(bursts.asked).toEqual(['msg-1']);
    expect(lines).toEqual([]);
  });
});
