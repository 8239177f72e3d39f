import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { downloadFailed, modelsDirUnwritable } from './download-errors.js';

/**
 * Makes `modelsDir` when it is missing. One that cannot be made holds no model: the failure is
 * MODELS_DIR_UNWRITABLE (a read-only volume, another user's folder) or DISK_FULL, naming the folder.
 */
export async function makeDownloadFolder(spec: string, modelsDir: string): Promise<void> {
  try {
    await mkdir(modelsDir, { recursive: true });
  } catch (error) {
    throw downloadFailed(spec, modelsDir, await whyNotMade(modelsDir, error));
  }
}

/**
 * Fails with MODELS_DIR_UNWRITABLE, before a byte is fetched, when this process may not write into
 * `modelsDir`: otherwise ipull fails only as it saves the file, outside any promise feelbot awaits.
 */
export async function checkWritable(spec: string, modelsDir: string): Promise<void> {
  try {
    // W_OK is EROFS on a read-only mount also for root, who ignores a folder's mode bits.
    await access(modelsDir, constants.W_OK);
  } catch (error) {
    throw modelsDirUnwritable(spec, modelsDir, error);
  }
}

/**
 * Why `path` could not be made: a recursive mkdir under a read-only mount reports ENOENT, and the
 * nearest folder that exists says EROFS or EACCES. Any other `error` is returned as it is.
 */
export async function whyNotMade(path: string, error: unknown): Promise<unknown> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    const exists = await access(folder).then(() => true, () => false);
    if (exists) return access(folder, constants.W_OK).then(() => error, (denied: unknown) => denied);
  }
  return error;
}
