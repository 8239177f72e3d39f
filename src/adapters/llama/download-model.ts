import { stat } from 'node:fs/promises';
import { createModelDownloader } from 'node-llama-cpp';
import { FeelbotError } from '../../errors.js';
import { withinMs } from '../../time-limit.js';
import { downloadFailed, downloadInterrupted } from './download-errors.js';
import { checkWritable } from './download-folder.js';
import { checkFreeSpace, type FileToDownload } from './free-space.js';
import { StallWatch } from './stall-watch.js';
import { isUrlModel, urlModelFileName } from './url-model-file.js';

/** ipull closes a cancelled download's file and connections in milliseconds; one that hangs must not hold up a stop. */
const CANCEL_WAIT_MS = 2_000;

export interface DownloadModelOptions {
  readonly modelsDir: string;
  readonly showProgress: boolean;
  readonly stallTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Called whenever the download gets further than ever before. */
  readonly onProgress?: () => void;
}

/**
 * Downloads `spec` into `modelsDir` (resumable: a stall or a stop keeps the partial file), failing
 * once it gets no further for `stallTimeoutMs`, or before it starts when `modelsDir` may not be
 * written or the files would not fit on its disk. A stop resolves only once the download is closed.
 */
export async function downloadModel(spec: string, options: DownloadModelOptions): Promise<string> {
  const controller = new AbortController();
  const watch = new StallWatch(options.stallTimeoutMs, (reason) => controller.abort(reason));
  const { signal } = options;
  let onStop = (): void => undefined;
  // Rejects when the stop signal comes, also before there is a download to cancel (while its host is asked for its size).
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(downloadInterrupted(spec, options.modelsDir, signal?.reason));
  });
  stopped.catch(() => undefined);
  if (signal?.aborted) onStop();
  signal?.addEventListener('abort', onStop, { once: true });
  try {
    const downloader = await Promise.race([
      createModelDownloader({
        modelUri: spec,
        dirPath: options.modelsDir,
        // Not under a name the host sends: the next start finds the file by the URL alone, without asking the host.
        ...urlFileName(spec),
        showCliProgress: options.showProgress,
        // Keep the .ipull partial file on a stall or a stop, so the next start resumes where this one stopped.
        deleteTempFileOnCancel: false,
        onProgress: ({ downloadedSize }) => {
          if (watch.reached(downloadedSize)) options.onProgress?.();
        },
      }),
      watch.stalled,
      stopped,
    ]);
    try {
      // Files there whole are not written again: a read-only folder filled beforehand is fine.
      if (!(await isWhole(downloader.filesInfo))) await checkWritable(spec, options.modelsDir);
      await checkFreeSpace(spec, options.modelsDir, downloader.filesInfo);
    } catch (error) {
      await downloader.cancel({ deleteTempFile: false });
      throw error;
    }
    try {
      return await Promise.race([downloader.download({ signal: controller.signal }), watch.stalled, stopped]);
    } catch (error) {
      if (signal?.aborted) {
        // Cancelled here, not by the signal (node-llama-cpp would not wait for it): the partial file
        // and the connections are closed before the caller releases the lock and the process exits.
        await withinMs(downloader.cancel({ deleteTempFile: false }), CANCEL_WAIT_MS).catch(() => undefined);
        throw error;
      }
      // A process that takes no lock (an older feelbot) may have finished the same file: its rename is what failed ours.
      if (await isWhole(downloader.filesInfo)) return downloader.entrypointFilePath;
      throw error;
    }
  } catch (error) {
    throw error instanceof FeelbotError ? error : downloadFailed(spec, options.modelsDir, error);
  } finally {
    watch.stop();
    signal?.removeEventListener('abort', onStop);
  }
}

/** A URL's model is saved under the URL's own name when it names a .gguf file; other specs are named by node-llama-cpp. */
function urlFileName(spec: string): { fileName?: string } {
  const fileName = isUrlModel(spec) ? urlModelFileName(spec) : undefined;
  return fileName === undefined ? {} : { fileName };
}

/** Every file of the download is in place at the size its host stated. */
async function isWhole(files: readonly FileToDownload[]): Promise<boolean> {
  const sizes = await Promise.all(files.map((file) => stat(file.filePath).then((info) => info.size, () => -1)));
  return files.length > 0 && files.every((file, index) => file.totalSize > 0 && sizes[index] === file.totalSize);
}
