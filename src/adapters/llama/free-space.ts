import { stat, statfs } from 'node:fs/promises';
import { notEnoughSpace } from './download-errors.js';

/** ipull keeps a download's bytes in `<file>.ipull` until it is whole. */
const PARTIAL_FILE_SUFFIX = '.ipull';

/** A file a download will write, with the size its host stated (0 when it stated none). */
export interface FileToDownload {
  readonly filePath: string;
  readonly totalSize: number;
}

/**
 * Fails with DISK_FULL, before a byte is written, when the files' missing bytes do not fit on the
 * disk of `modelsDir`; a partial file already there (a resumed download) counts as written. Nothing
 * is checked when a host did not state a size.
 */
export async function checkFreeSpace(spec: string, modelsDir: string, files: readonly FileToDownload[]): Promise<void> {
  if (files.length === 0 || files.some((file) => !(file.totalSize > 0))) return;
  let needed = 0;
  for (const file of files) {
    const written = Math.max(await allocatedBytes(file.filePath), await allocatedBytes(file.filePath + PARTIAL_FILE_SUFFIX));
    needed += Math.max(0, file.totalSize - written);
  }
  if (needed === 0) return;
  // A filesystem that cannot say (some network mounts) is left to fail, if it does, as it writes.
  const disk = await statfs(modelsDir).catch(() => undefined);
  if (!disk) return;
  const free = disk.bavail * disk.bsize;
  if (needed > free) throw notEnoughSpace(spec, modelsDir, needed, free);
}

/** Bytes a file takes on disk: a partial download's unwritten chunks are holes that take none. */
async function allocatedBytes(path: string): Promise<number> {
  try {
    return (await stat(path)).blocks * 512;
  } catch {
    return 0;
  }
}
