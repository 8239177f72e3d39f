import { describe, expect, it } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import { cutOffByShutdown } from '../../src/worker/cut-off-by-shutdown.js';

function closedSends(): AbortSignal {
  const sendsClosed = new AbortController();
  sendsClosed.abort(new Error('The worker is stopping: a send started now could outlast its stop.'));
  return sendsClosed.signal;
}

describe('a send a stopping worker does not start', () => {
  it('is a cut by the shutdown, before its grace has run out, so the job goes back to the queue', () => {
    const sendsClosed = closedSends();
    const grace = new AbortController().signal;
    expect(cutOffByShutdown(sendsClosed.reason, grace, sendsClosed)).toBe(true);
  });

  it('is a cut when the replier wraps the refusal in its own error', () => {
    const sendsClosed = closedSends();
    const wrapped = new FeelbotError(ErrorCodes.DiscordRequestFailed, 'the post was not sent', { cause: sendsClosed.reason });
    expect(cutOffByShutdown(wrapped, new AbortController().signal, sendsClosed)).toBe(true);
  });

  it('leaves any other failure of the run, even an AbortError, a failure while the grace runs', () => {
    const sendsClosed = closedSends();
    expect(cutOffByShutdown(new DOMException('aborted', 'AbortError'), new AbortController().signal, sendsClosed)).toBe(false);
    expect(cutOffByShutdown(new Error('400 Invalid Form Body'), new AbortController().signal, sendsClosed)).toBe(false);
  });

  it('is no cut while sends are still open', () => {
    const open = new AbortController();
    expect(cutOffByShutdown(new Error('refused'), new AbortController().signal, open.signal)).toBe(false);
  });
});
