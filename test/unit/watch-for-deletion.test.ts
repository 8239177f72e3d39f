import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import { parseMessageJob } from '../../src/jobs/message-job.js';
import { replyTargetOf } from '../../src/jobs/reply-target.js';
import { DELETION_CHECK_MS, PLACE_DELETED, watchForDeletion } from '../../src/jobs/watch-for-deletion.js';
import { buildAnalysis, buildMessageJob, buildMessageJobDeps, inMemoryChannelBlocks } from '../factories.js';
import { capturedLogger } from '../support/captured-logger.js';

const OPTIONS = { rewriteForContext: true, rewriteForPersona: true } as const;
const NOTHING_CHANGED = { deletedIds: [], edits: new Map<string, string>() };

/** A write that goes on until its signal aborts, then fails as the generator does. */
const untilAborted = (signal: AbortSignal | undefined) =>
  new Promise<string>((_, reject) => signal?.addEventListener('abort', () => reject(new FeelbotError(ErrorCodes.GenerationAborted, 'cancelled', { cause: signal.reason }))));

describe('the watch over a reply being written', () => {
  it('settings Redis cannot read stop nothing, and hide no deletion of the place: the writing stops as channel-deleted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const job = parseMessageJob(buildMessageJob());
    const blocks = inMemoryChannelBlocks();
    const { logger, lines } = capturedLogger('debug');
    const redisDown = new FeelbotError(ErrorCodes.RedisUnavailable, 'Redis is unreachable');
    const deps = buildMessageJobDeps({ blocks, logger, settings: { get: async () => Promise.reject(redisDown), update: async () => Promise.reject(redisDown) } });
    const watched = watchForDeletion({ queued: job, job, read: NOTHING_CHANGED, analysis: buildAnalysis(), persona: 'joy' }, replyTargetOf(job), deps, OPTIONS, undefined, untilAborted);

    await vi.advanceTimersByTimeAsync(DELETION_CHECK_MS * 3);
    expect(lines.filter((line) => line.msg === 'could not check whether a reply being written is still wanted')).toHaveLength(3);
    await blocks.block(job.channelId, ErrorCodes.ChannelDeleted);
    await vi.advanceTimersByTimeAsync(DELETION_CHECK_MS);

    expect(await watched).toBe(PLACE_DELETED);
    expect(vi.getTimerCount()).toBe(0);
  });
});
