import { describe, expect, it } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import { rateLimitedUntil } from '../../src/worker/rate-limit-delay.js';

const queuedAt = Date.UTC(2025, 0, 1, 12);
const minutesLater = (minutes: number) => queuedAt + minutes * 60_000;

function rateLimited(retryAfterMs: number): FeelbotError {
  return new FeelbotError(ErrorCodes.DiscordRateLimited, 'rate limited', { details: { retryAfterMs } });
}

function loraBusy(retryAfterMs: number): FeelbotError {
  return new FeelbotError(ErrorCodes.LlmBusy, 'busy', { permanent: false, details: { retryAfterMs } });
}

describe('when a job that asked to wait runs again', () => {
  it('a Discord rate limit is waited out while the wait ends within 10 minutes of queueing', () => {
    expect(rateLimitedUntil(rateLimited(3_000), queuedAt, minutesLater(5))).toBe(minutesLater(5) + 3_000);
  });

  it('a Discord rate limit that would end past 10 minutes after queueing is not waited for', () => {
    expect(rateLimitedUntil(rateLimited(3_000), queuedAt, minutesLater(10) - 1_000)).toBeUndefined();
    expect(rateLimitedUntil(rateLimited(3_000), queuedAt, minutesLater(11))).toBeUndefined();
  });

  it("a LoRA persona's busy sequences (LLM_BUSY) are waited out however long the job was queued", () => {
    expect(rateLimitedUntil(loraBusy(2_000), queuedAt, minutesLater(1))).toBe(minutesLater(1) + 2_000);
    expect(rateLimitedUntil(loraBusy(2_000), queuedAt, minutesLater(11))).toBe(minutesLater(11) + 2_000);
    expect(rateLimitedUntil(loraBusy(2_000), queuedAt, minutesLater(6 * 60))).toBe(minutesLater(6 * 60) + 2_000);
  });

  it('a permanent error, or one that names no wait, is not delayed', () => {
    expect(rateLimitedUntil(new FeelbotError(ErrorCodes.LlmBusy, 'busy', { permanent: true, details: { retryAfterMs: 2_000 } }), queuedAt, minutesLater(1))).toBeUndefined();
    expect(rateLimitedUntil(new FeelbotError(ErrorCodes.LlmBusy, 'busy'), queuedAt, minutesLater(1))).toBeUndefined();
    expect(rateLimitedUntil(new Error('boom'), queuedAt, minutesLater(1))).toBeUndefined();
  });
});
