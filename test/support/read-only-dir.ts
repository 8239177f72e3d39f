import { chmodSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IS_ROOT, runAsRoot, SetupUnavailable, unmount } from './privileged.js';

/** Room on the read-only tmpfs for what the tests put there (the tiny GGUF); a tmpfs takes memory only for what it holds. */
const TMPFS_SIZE = '16m';
/** Every folder in it, for a user who is not root: read and enter, never write. */
const READ_ONLY_MODE = 0o555;
/** Given back to the folders so that they can be removed. */
const WRITABLE_MODE = 0o755;
/** The file a write is tried with, to see it refused before a test relies on it. */
const PROBE = '.write-probe';

export interface ReadOnlyDir {
  readonly path: string;
  /** What writing there fails with, as tried: EROFS on the read-only mount, EACCES through the folders' modes. */
  readonly refusal: 'EROFS' | 'EACCES';
  remove(): void;
}

/**
 * A folder, filled first by `fill`, that this process may not write into anywhere. As root a tmpfs
 * remounted read-only, since root ignores mode bits; otherwise, or when root cannot mount, folders
 * with mode 0555, once a write there is seen refused. SetupUnavailable when neither holds.
 */
export function makeReadOnlyDir(prefix: string, fill: (path: string) => void = () => {}): ReadOnlyDir {
  if (!IS_ROOT) return inNewFolder(prefix, (path) => withReadOnlyModes(path, fill));
  try {
    return inNewFolder(prefix, (path) => remountedReadOnly(path, fill));
  } catch (error) {
    if (!(error instanceof SetupUnavailable)) throw error;
    // Root without the right to mount (a container) may still lack the right to ignore mode bits.
    try {
      return inNewFolder(prefix, (path) => withReadOnlyModes(path, fill));
    } catch (modes) {
      throw modes instanceof SetupUnavailable ? new SetupUnavailable(`${error.message}; and ${modes.message}`) : modes;
    }
  }
}

function inNewFolder(prefix: string, make: (path: string) => ReadOnlyDir): ReadOnlyDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  try {
    return make(path);
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw error;
  }
}

function remountedReadOnly(path: string, fill: (path: string) => void): ReadOnlyDir {
  runAsRoot('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', path]);
  const remove = () => {
    unmount(path);
    rmSync(path, { recursive: true, force: true });
  };
  try {
    fill(path);
    runAsRoot('mount', ['-o', 'remount,ro', path]);
    return { path, refusal: refusedEverywhere(path, 'EROFS'), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function withReadOnlyModes(path: string, fill: (path: string) => void): ReadOnlyDir {
  fill(path);
  for (const folder of foldersIn(path)) chmodSync(folder, READ_ONLY_MODE);
  const remove = () => {
    for (const folder of foldersIn(path)) chmodSync(folder, WRITABLE_MODE);
    rmSync(path, { recursive: true, force: true });
  };
  try {
    return { path, refusal: refusedEverywhere(path, 'EACCES'), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** `path` and every folder under it. */
function foldersIn(path: string): string[] {
  const below = readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return [path, ...below.flatMap((entry) => foldersIn(join(path, entry.name)))];
}

/** `expected`, once a write into every folder of `path` has failed with it. */
function refusedEverywhere<Code extends string>(path: string, expected: Code): Code {
  for (const folder of foldersIn(path)) {
    const probe = join(folder, PROBE);
    try {
      writeFileSync(probe, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === expected) continue;
      throw new Error(`writing into ${folder} failed with ${code}, not ${expected}`, { cause: error });
    }
    unlinkSync(probe);
    throw new SetupUnavailable(`${folder} is still writable for uid ${process.getuid?.()} (expected ${expected}; root ignores mode bits)`);
  }
  return expected;
}
