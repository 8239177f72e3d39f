import { describe, expect, it } from 'vitest';
import { asUnconfirmedPost, LATE_POST_WAIT_MS } from '../../src/adapters/discord/unconfirmed-post.js';
import { cutOffByShutdown } from '../../src/worker/cut-off-by-shutdown.js';
import { rateLimitedUntil } from '../../src/worker/rate-limit-delay.js';

function aborted(reason: string): AbortSignal {
  const controller = new AbortController();
  controller.abort(new Error(reason));
  return controller.signal;
}

describe('a reply post whose REST timeout ran out while the worker was stopping', () => {
  // Started just before sends closed, its 15 s timeout ran out after the grace: the client's own AbortError.
  const timedOut = () => asUnconfirmedPost(new DOMException('This operation was aborted', 'AbortError'), 'the reply in <#1>');

  it('is no cut by the shutdown, so the job is not put straight back for the next worker to post again', () => {
    const shutdown = aborted('The worker is stopping.');
    const sendsClosed = aborted('The worker is stopping: a send started now could outlast its stop.');
    expect(cutOffByShutdown(timedOut(), shutdown, sendsClosed)).toBe(false);
  });

  it('waits for the late post as any timed-out post does', () => {
    const now = Date.now();
    expect(rateLimitedUntil(timedOut(), now, now)).toBeGreaterThanOrEqual(now + LATE_POST_WAIT_MS);
  });

  it('leaves a wait the shutdown cut short, wrapped in another error, a cut', () => {
    const shutdown = aborted('The worker is stopping.');
    const cut = new Error('generation stopped', { cause: new DOMException('This operation was aborted', 'AbortError') });
    expect(cutOffByShutdown(cut, shutdown)).toBe(true);
  });
});
