import { describe, expect, it } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import { cutOffByShutdown } from '../../src/worker/cut-off-by-shutdown.js';

function stopped(): AbortSignal {
  const shutdown = new AbortController();
  shutdown.abort();
  return shutdown.signal;
}

describe('cutOffByShutdown', () => {
  it('nothing is a cut while the worker is not stopping, not even an AbortError', () => {
    expect(cutOffByShutdown(new DOMException('aborted', 'AbortError'), new AbortController().signal)).toBe(false);
  });

  it("an error wrapping the abort (a webhook wait it cut short, given a code) is a cut", () => {
    const signal = stopped();
    const wrapped = new FeelbotError(ErrorCodes.WebhookBusy, 'stopped waiting', { cause: new Error('wait ended', { cause: signal.reason }) });
    expect(cutOffByShutdown(wrapped, signal)).toBe(true);
  });

  it('a Discord 400 with no abort among its causes is no cut', () => {
    const refused = new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the post', { permanent: true, cause: new Error('400 Invalid Form Body') });
    expect(cutOffByShutdown(refused, stopped())).toBe(false);
  });

  it('a thrown value that is no Error, or a cause chain that loops, is answered without hanging', () => {
    const looped = new Error('a');
    const other = new Error('b', { cause: looped });
    Object.assign(looped, { cause: other });
    expect(cutOffByShutdown(looped, stopped())).toBe(false);
    expect(cutOffByShutdown('gone', stopped())).toBe(false);
  });
});
