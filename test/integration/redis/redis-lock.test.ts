import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { IF_HELD, withRedisLock } from '../../../src/adapters/redis/redis-lock.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('withRedisLock', () => {
  const redis = usePrivateRedis();

  /** Holds `key` until the returned function is called; resolves once the lock is taken. */
  async function holdLock(key: string): Promise<{ release: () => Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const held = new Promise<void>((resolve) => (taken = resolve));
    const holder = withRedisLock(redis.connection, key, async () => {
      taken();
      await released;
    });
    await held;
    return { release: async () => (release(), await holder) };
  }

  it('a waiter whose signal fires (a worker shutting down) stops waiting at once and never runs its work', async () => {
    const key = `lock-${randomUUID()}`;
    const holder = await holdLock(key);
    const shutdown = new AbortController();
    let ran = false;
    const waiter = redis.connection.duplicate();
    const tries = vi.spyOn(waiter, 'set');
    try {
      const waiting = withRedisLock(waiter, key, async () => void (ran = true), { signal: shutdown.signal });
      const outcome = waiting.then(() => 'ran', (error: unknown) => error);
      // It is waiting: it has asked for the held lock more than once.
      await vi.waitFor(() => expect(tries.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
      shutdown.abort();
      expect(await outcome).toMatchObject({ name: 'AbortError' });
    } finally {
      waiter.disconnect();
    }
    await holder.release();
    expect(ran).toBe(false);
    // The holder's release was not disturbed, and the waiter took nothing: the key is free.
    expect(await redis.connection.exists(key)).toBe(0);
  });

  it('a waiter whose signal has already fired does not take a free lock', async () => {
    const key = `lock-${randomUUID()}`;
    const shutdown = new AbortController();
    shutdown.abort();
    await expect(withRedisLock(redis.connection, key, async () => 'ran', { signal: shutdown.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await redis.connection.exists(key)).toBe(0);
  });

  it('a holder that lost its lock to another process runs no IF_HELD write, and neither renews nor releases the successor\'s lock', async () => {
    const key = `lock-${randomUUID()}`;
    const target = `target-${randomUUID()}`;
    const write = `${IF_HELD}redis.call('SET', KEYS[2], ARGV[2])\nreturn 1`;
    const holder = redis.connection.duplicate();
    const scripts = vi.spyOn(holder, 'eval');
    const renewals = () => scripts.mock.calls.filter((call) => String(call[0]).includes('PEXPIRE')).length;
    try {
      await withRedisLock(
        holder,
        key,
        async (lock) => {
          expect(await redis.connection.eval(write, 2, lock.key, target, lock.owner, 'while held')).toBe(1);
          // The lock expired during a stall and another process took it.
          await redis.connection.set(key, 'successor', 'PX', 60_000);
          expect(await redis.connection.eval(write, 2, lock.key, target, lock.owner, 'after losing it')).toBe(0);
          // A renewal tick (every third of the TTL) comes after the takeover, and leaves the successor's TTL as it was.
          const before = renewals();
          await vi.waitFor(() => expect(renewals()).toBeGreaterThan(before), { timeout: 5_000 });
        },
        { ttlMs: 900 },
      );
    } finally {
      holder.disconnect();
    }
    expect(await redis.connection.get(target)).toBe('while held');
    expect(await redis.connection.get(key)).toBe('successor');
    expect(await redis.connection.pttl(key)).toBeGreaterThan(55_000);
  });
});
