import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sweepFinishedJobs } from '../../src/gateway/finished-job-sweeps.js';
import { capturedLogger } from '../support/captured-logger.js';

const EVERY_MS = 5 * 60_000;

/** A queue whose sweeps end only when the test says so. */
function heldQueue() {
  const running: Array<() => void> = [];
  return {
    running,
    sweep: vi.fn(
      () =>
        new Promise<{ completed: number; failed: number }>((resolve) => {
          running.push(() => resolve({ completed: 1, failed: 0 }));
        }),
    ),
  };
}

describe('the gateway sweeping finished jobs every few minutes', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts no sweep while the last one runs (a backlog longer than the interval), and sweeps again once it is done', async () => {
    const queue = heldQueue();
    const { logger, lines } = capturedLogger('debug');
    const sweeps = sweepFinishedJobs(queue, logger, EVERY_MS);
    await vi.advanceTimersByTimeAsync(EVERY_MS);
    expect(queue.sweep).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2 * EVERY_MS);
    expect(queue.sweep).toHaveBeenCalledTimes(1);
    expect(lines.filter((line) => line.msg === 'the last sweep of finished jobs is still running; this one is skipped')).toHaveLength(2);
    queue.running.shift()?.();
    await vi.advanceTimersByTimeAsync(EVERY_MS);
    expect(queue.sweep).toHaveBeenCalledTimes(2);
    sweeps.stop();
  });

  it('at a stop, starts no more, and its drain ends once the sweep running has', async () => {
    const queue = heldQueue();
    const sweeps = sweepFinishedJobs(queue, capturedLogger().logger, EVERY_MS);
    await vi.advanceTimersByTimeAsync(EVERY_MS);
    sweeps.stop();
    let drained = false;
    const drain = sweeps.drain().then(() => {
      drained = true;
    });
    await vi.advanceTimersByTimeAsync(3 * EVERY_MS);
    expect(drained).toBe(false);
    queue.running.shift()?.();
    await drain;
    expect(queue.sweep).toHaveBeenCalledTimes(1);
  });

  it('a sweep that fails is logged as a warning, and the next one still runs', async () => {
    const queue = { sweep: vi.fn().mockRejectedValueOnce(new Error('Connection is closed.')).mockResolvedValue({ completed: 0, failed: 0 }) };
    const { logger, lines } = capturedLogger();
    const sweeps = sweepFinishedJobs(queue, logger, EVERY_MS);
    await vi.advanceTimersByTimeAsync(2 * EVERY_MS);
    expect(queue.sweep).toHaveBeenCalledTimes(2);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'could not sweep finished jobs', err: expect.objectContaining({ message: 'Connection is closed.' }) })]);
    sweeps.stop();
  });
});
