import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Who holds a download lock, as its file says. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The holder's PID namespace: containers on one host (or with one hostname) number their processes apart. */
  readonly pidNamespace: string;
  readonly id: string;
  readonly since: string;
}

export interface DownloadLockOptions {
  /**
   * A lock whose file has not been touched for this long is taken over: its holder died where its
   * PID cannot be checked (another container or host) or hung.
   */
  readonly staleAfterMs: number;
  /** Stops waiting: the wait rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Told once, when another process holds the lock and this one starts waiting for it. */
  readonly onWait?: (holder: LockHolder | undefined) => void;
}

export interface DownloadLock {
  /** Tells waiters the holder is still getting somewhere; cheap to call on every progress event. */
  refresh(): void;
  release(): Promise<void>;
}

/** How often a waiter looks at the lock again. */
const POLL_MS = 250;
/** refresh() touches the file at most this often. */
const REFRESH_EVERY_MS = 1_000;

/** Locks this process holds (path → id), removed on exit however the process ends, short of a kill. */
const held = new Map<string, string>();
let releasesOnExit = false;

/**
 * A lock across processes (a `--scale`d worker's replicas, or a worker and `feelbot api` sharing
 * MODELS_DIR): a file created exclusively, holding the holder's PID, host and a random id. A waiter
 * takes it over when its holder is dead (same host and PID namespace) or has not touched it for
 * `staleAfterMs`; the holder touches it as its download gets further.
 */
export async function acquireDownloadLock(path: string, options: DownloadLockOptions): Promise<DownloadLock> {
  const me: LockHolder = { pid: process.pid, host: hostname(), pidNamespace: ownPidNamespace(), id: randomUUID(), since: new Date().toISOString() };
  let waiting = false;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(path, me)) return heldLock(path, me.id);
    const holder = await readHolder(path);
    if (await isStale(path, holder, me, options.staleAfterMs)) {
      await takeAway(path, holder);
      continue;
    }
    if (!waiting) options.onWait?.(holder);
    waiting = true;
    await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => options.signal?.throwIfAborted());
  }
}

async function tryCreate(path: string, me: LockHolder): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await file.writeFile(JSON.stringify(me));
    return true;
  } catch (error) {
    // A lock nobody can read (a full disk took its content) would hold everyone up until it went stale.
    await unlink(path).catch(() => undefined);
    throw error;
  } finally {
    await file.close();
  }
}

/** The holder, or undefined while its file is being written, after it is gone, or when it is no lock of ours. */
async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

async function isStale(path: string, holder: LockHolder | undefined, me: LockHolder, staleAfterMs: number): Promise<boolean> {
  const touched = await stat(path).then((info) => info.mtimeMs, () => undefined);
  // Gone meanwhile: the next try creates it.
  if (touched === undefined) return false;
  if (holder && holder.host === me.host && holder.pidNamespace === me.pidNamespace) {
    // This PID with an id it does not hold: an earlier life of it (a restarted container's PID 1) left it.
    if (holder.pid === me.pid) return held.get(path) !== holder.id;
    if (!isAlive(holder.pid)) return true;
  }
  return Date.now() - touched > staleAfterMs;
}

/** Moves a stale lock aside; one that turns out to be a fresh one (another waiter's, taken just now) is put back. */
async function takeAway(path: string, stale: LockHolder | undefined): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readHolder(aside);
  if (moved && moved.id !== stale?.id) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

function heldLock(path: string, id: string): DownloadLock {
  held.set(path, id);
  if (!releasesOnExit) {
    releasesOnExit = true;
    process.once('exit', () => {
      for (const [lockPath, lockId] of held) releaseNow(lockPath, lockId);
    });
  }
  let touchedAt = Date.now();
  return {
    refresh() {
      if (Date.now() - touchedAt < REFRESH_EVERY_MS) return;
      touchedAt = Date.now();
      const now = new Date();
      void utimes(path, now, now).catch(() => undefined);
    },
    async release() {
      if (held.get(path) !== id) return;
      held.delete(path);
      if ((await readHolder(path))?.id === id) await unlink(path).catch(() => undefined);
    },
  };
}

/** At exit only synchronous work runs. */
function releaseNow(path: string, id: string): void {
  try {
    if ((JSON.parse(readFileSync(path, 'utf8')) as LockHolder).id === id) unlinkSync(path);
  } catch {
    // Gone already, or taken over: not ours to remove.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, only not ours to signal.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function ownPidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    // No /proc (macOS, Windows): the hostname alone tells hosts apart.
    return '';
  }
}
