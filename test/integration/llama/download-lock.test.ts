import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDownloadLock, type DownloadLock, type LockHolder } from '../../../src/adapters/llama/download-lock.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Long enough that a test which waited it out instead of seeing the holder dead fails on time. */
const STALE_AFTER_MS = 20_000;

function holder(overrides: Partial<LockHolder>): LockHolder {
  return { pid: process.pid, host: hostname(), pidNamespace: ownPidNamespace(), id: 'someone-else', since: new Date().toISOString(), ...overrides };
}

function ownPidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

/** A live process that is not this one, standing in for another worker on this host. */
function otherProcess(): { pid: number; kill: () => void } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return { pid: child.pid!, kill: () => child.kill('SIGKILL') };
}

async function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The lock, once `acquiring` has it within `ms`; fails the test otherwise. */
async function acquiredWithin(acquiring: Promise<DownloadLock>, ms: number): Promise<DownloadLock> {
  const lock = await settledWithin(acquiring, ms);
  if (lock === 'still waiting') throw new Error(`the lock was not acquired within ${ms} ms`);
  return lock;
}

describe("a model download's lock across processes", () => {
  let dir = '';
  let path = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-lock-'));
    path = join(dir, 'model.download-lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits while a live process on this host holds it, and takes it as soon as that process is killed', async () => {
    const other = otherProcess();
    try {
      writeFileSync(path, JSON.stringify(holder({ pid: other.pid })));
      const waits: Array<LockHolder | undefined> = [];
      const acquired = acquireDownloadLock(path, { staleAfterMs: STALE_AFTER_MS, onWait: (seen) => waits.push(seen) });
      expect(await settledWithin(acquired, 1_000)).toBe('still waiting');
      expect(waits).toEqual([expect.objectContaining({ pid: other.pid })]);
      other.kill();
      await (await acquiredWithin(acquired, 5_000)).release();
      expect(existsSync(path)).toBe(false);
    } finally {
      other.kill();
    }
  });

  it("takes over another host's lock once it has not been touched for the stale time, and not before", async () => {
    writeFileSync(path, JSON.stringify(holder({ host: 'another-container', pid: 1 })));
    const fresh = acquireDownloadLock(path, { staleAfterMs: 1_500 });
    expect(await settledWithin(fresh, 500)).toBe('still waiting');
    await (await acquiredWithin(fresh, 5_000)).release();

    writeFileSync(path, JSON.stringify(holder({ host: 'another-container', pid: 1 })));
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(path, longAgo, longAgo);
    await acquiredWithin(acquireDownloadLock(path, { staleAfterMs: STALE_AFTER_MS }), 2_000);
  });

  it("takes over a lock an earlier process with this one's PID left (a restarted container's PID 1)", async () => {
    writeFileSync(path, JSON.stringify(holder({ pid: process.pid, id: 'before-the-restart' })));
    await acquiredWithin(acquireDownloadLock(path, { staleAfterMs: STALE_AFTER_MS }), 2_000);
  });

  it('a second download in the same process waits for the first', async () => {
    const first = await acquireDownloadLock(path, { staleAfterMs: STALE_AFTER_MS });
    const second = acquireDownloadLock(path, { staleAfterMs: STALE_AFTER_MS });
    expect(await settledWithin(second, 1_000)).toBe('still waiting');
    await first.release();
    await (await acquiredWithin(second, 2_000)).release();
  });

  it("stops waiting at the stop signal, with the signal's reason", async () => {
    const other = otherProcess();
    try {
      writeFileSync(path, JSON.stringify(holder({ pid: other.pid })));
      const stop = new AbortController();
      const acquired = acquireDownloadLock(path, { staleAfterMs: STALE_AFTER_MS, signal: stop.signal });
      setTimeout(() => stop.abort(new Error('stopped by SIGTERM')), 300);
      await expect(acquired).rejects.toThrow('stopped by SIGTERM');
      // The other process's lock is left alone.
      expect(existsSync(path)).toBe(true);
    } finally {
      other.kill();
    }
  });

  it('a process that exits while holding it (process.exit in the middle of a download) leaves no lock behind', async () => {
    const script = `import { existsSync } from 'node:fs';
import { acquireDownloadLock } from './src/adapters/llama/download-lock.ts';
await acquireDownloadLock(${JSON.stringify(path)}, { staleAfterMs: 60000 });
console.log(existsSync(${JSON.stringify(path)}) ? 'HELD' : 'MISSING');
process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out.trim()).toBe('HELD');
    expect(existsSync(path)).toBe(false);
  });
});
