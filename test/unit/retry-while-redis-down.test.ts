import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { retryWhileRedisDown } from '../../src/gateway/retry-while-redis-down.js';

const closed = () => new Error('Connection is closed.');

describe('retryWhileRedisDown', () => {
  it('retries a connection error until the work succeeds', async () => {
    let calls = 0;
    const result = await retryWhileRedisDown(
      async () => {
        calls += 1;
        if (calls < 3) throw closed();
        return 'queued';
      },
      { initialDelayMs: 1, maxDelayMs: 2 },
    );
    expect(result).toBe('queued');
    expect(calls).toBe(3);
  });

  it('retries a command Redis never answered (ioredis timed it out) until Redis answers', async () => {
    let calls = 0;
    const result = await retryWhileRedisDown(
      async () => {
        calls += 1;
        if (calls < 2) throw new Error('Command timed out');
        return 'queued';
      },
      { initialDelayMs: 1, maxDelayMs: 2 },
    );
    expect(result).toBe('queued');
    expect(calls).toBe(2);
  });

  it('does not retry an error Redis answered', async () => {
    let calls = 0;
    const error = await retryWhileRedisDown(async () => {
      calls += 1;
      throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/WRONGTYPE/);
    expect(calls).toBe(1);
  });

  it('at shutdown it stops waiting at once, with REDIS_UNAVAILABLE, instead of retrying for minutes', async () => {
    const shutdown = new AbortController();
    let calls = 0;
    const pending = retryWhileRedisDown(
      async () => {
        calls += 1;
        throw closed();
      },
      { initialDelayMs: 60_000, maxWaitMs: 600_000, signal: shutdown.signal },
    ).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    shutdown.abort();
    const error = await pending;
    expect(isFeelbotError(error, ErrorCodes.RedisUnavailable)).toBe(true);
    expect((error as Error).message).toMatch(/when the process stopped/);
    // One try before the abort and one when the 60 s pause was cut short by it.
    expect(calls).toBe(2);
  });
});
