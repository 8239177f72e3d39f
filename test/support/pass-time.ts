import type { Redis } from 'ioredis';
import { vi } from 'vitest';

/** How often a gateway sweeps the reply queue (SWEEP_INTERVAL_MS in start-gateway.ts). */
export const GATEWAY_SWEEP_MS = 5 * 60_000;

/**
 * Moves Node's clock and Redis's together: every key under `prefix` lives `ms` less, and one whose
 * life runs out is gone, as if that much time had passed. Node's Date must be faked (vi.useFakeTimers).
 */
export async function passTime(connection: Redis, prefix: string, ms: number): Promise<void> {
  vi.setSystemTime(Date.now() + ms);
  for (const key of await connection.keys(`${prefix}*`)) {
    const left = await connection.pttl(key);
    if (left < 0) continue;
    if (left <= ms) await connection.del(key);
    else await connection.pexpire(key, left - ms);
  }
}

/** `ms` pass while a gateway sweeps the queue, as it does every GATEWAY_SWEEP_MS. */
export async function sweptFor(connection: Redis, prefix: string, queue: { sweep(): Promise<unknown> }, ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += GATEWAY_SWEEP_MS) {
    await passTime(connection, prefix, GATEWAY_SWEEP_MS);
    await queue.sweep();
  }
}
