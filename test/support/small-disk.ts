import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsRoot, unmount } from './privileged.js';

export interface SmallDisk {
  readonly path: string;
  remove(): void;
}

/**
 * A tmpfs of `megabytes` owned by this process's user, mounted as root or through password-less
 * sudo. SetupUnavailable when neither can mount.
 */
export function mountSmallDisk(prefix: string, megabytes: number): SmallDisk {
  const path = mkdtempSync(join(tmpdir(), prefix));
  try {
    runAsRoot('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,uid=${process.getuid?.()},gid=${process.getgid?.()}`, 'tmpfs', path]);
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw error;
  }
  return {
    path,
    remove() {
      try {
        unmount(path);
      } finally {
        rmSync(path, { recursive: true, force: true });
      }
    },
  };
}
