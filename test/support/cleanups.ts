import { afterEach } from 'vitest';

export interface Cleanups {
  /** Closes what a test opened once it ends, whether it passed or not. */
  push(...cleanups: Array<() => Promise<void> | void>): void;
}

/** What the calling file's (or describe block's) tests open, closed after each of them, newest first. */
export function useCleanups(): Cleanups {
  const pending: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of pending.splice(0).reverse()) await cleanup();
  });
  return { push: (...cleanups) => void pending.push(...cleanups) };
}
