import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { asUnconfirmedPost, LATE_POST_WAIT_MS } from '../../src/adapters/discord/unconfirmed-post.js';
import { rateLimitedUntil } from '../../src/worker/rate-limit-delay.js';

const NOW = 1_700_000_000_000;

/** An error as Node's net module or undici throws it: a message and a string `code`. */
function failure(code: string, message: string, name = 'Error'): Error {
  return Object.assign(new Error(message), { code, name });
}

describe('when a retry may look for a post that may have landed', () => {
  it.each([
    new DOMException('This operation was aborted', 'AbortError'),
    failure('ECONNRESET', 'socket hang up'),
    new TypeError('fetch failed', { cause: failure('UND_ERR_SOCKET', 'other side closed', 'SocketError') }),
  ])('a post whose answer never came ($message) delays the job until a slow post has landed, without using up an attempt', (error) => {
    const unconfirmed = asUnconfirmedPost(error, 'the reply');
    expect(unconfirmed).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', details: { mayHavePosted: true, retryAfterMs: LATE_POST_WAIT_MS } });
    expect(rateLimitedUntil(unconfirmed, NOW, NOW)).toBe(NOW + LATE_POST_WAIT_MS);
  });

  it('a post Discord answered 5xx is retried with the usual backoff: its post, if any, was made before the answer', () => {
    const answered = new DiscordAPIError({ code: 0, message: '502 Bad Gateway' }, 0, 502, 'POST', 'https://discord.com/api/v10/webhooks/1/t', {});
    const unconfirmed = asUnconfirmedPost(answered, 'the reply');
    expect(unconfirmed).toMatchObject({ details: { mayHavePosted: true } });
    expect(unconfirmed).not.toHaveProperty('details.retryAfterMs');
    expect(rateLimitedUntil(unconfirmed, NOW, NOW)).toBeUndefined();
  });

  it('a job queued so long ago that the wait would end past the Discord deadline is not delayed: it fails as any other would', () => {
    const unconfirmed = asUnconfirmedPost(failure('ECONNRESET', 'read ECONNRESET'), 'the reply');
    expect(rateLimitedUntil(unconfirmed, NOW - 10 * 60_000, NOW)).toBeUndefined();
  });
});
