import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createModelDownloader } from 'node-llama-cpp';
import { FeelbotError } from '../../errors.js';
import { withinMs } from '../../time-limit.js';
import { downloadFailed, downloadIncomplete, downloadInterrupted, partsWithoutSize } from './download-errors.js';
import { checkWritable } from './download-folder.js';
import { checkFreeSpace, type FileToDownload } from './free-space.js';
import { ggufCompleteness } from './gguf-completeness.js';
import { StallWatch } from './stall-watch.js';
import { downloadUnsized } from './unsized-download.js';
import { binaryPartUrls, isUrlModel, urlModelFileName } from './url-model-file.js';

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
 * A file from a host that states no size is downloaded in one request (one per part of a binary-split
 * model, joined), not resumable. Every file is checked before it is used: one short of its stated
 * size, or of the data its GGUF header lists, is deleted.
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
    if (downloader.filesInfo.some((file) => !(file.totalSize > 0))) {
      // Nothing of an unsized download can be resumed: a partial file of an earlier try is of no use.
      await downloader.cancel({ deleteTempFile: true });
      if (downloader.filesInfo.length !== 1 || !isUrlModel(spec)) throw partsWithoutSize(spec, options.modelsDir);
      const path = downloader.entrypointFilePath;
      // A binary-split model (`….gguf.part1of3`) is one file to node-llama-cpp, joined from every part's URL.
      const urls = downloader.splitBinaryParts === undefined ? [spec] : binaryPartUrls(spec);
      await withoutSize(spec, urls, path, { ...options, watch, stall: controller.signal });
      return path;
    }
    try {
      await Promise.race([downloader.download({ signal: controller.signal }), watch.stalled, stopped]);
    } catch (error) {
      if (signal?.aborted) {
        // Cancelled here, not by the signal (node-llama-cpp would not wait for it): the partial file
        // and the connections are closed before the caller releases the lock and the process exits.
        await withinMs(downloader.cancel({ deleteTempFile: false }), CANCEL_WAIT_MS).catch(() => undefined);
        throw error;
      }
      // A process that takes no lock (an older feelbot) may have finished the same file: its rename is what failed ours.
      if (!(await isWhole(downloader.filesInfo))) throw error;
    }
    // ipull names the file before this can look at it: checked before the model is used, and a short one is deleted.
    for (const file of downloader.filesInfo) await checkDownloaded(spec, options.modelsDir, file, file.filePath);
    return downloader.entrypointFilePath;
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

/**
 * Downloads a single file whose host states no size from `urls` (a binary-split model's parts, or
 * `spec`), one request each, to check it whole before it gets its name. A stall (`stall` aborts)
 * fails it; a stop waits for its partial file to be deleted.
 */
async function withoutSize(
  spec: string,
  urls: readonly string[],
  filePath: string,
  options: DownloadModelOptions & { readonly watch: StallWatch; readonly stall: AbortSignal },
): Promise<void> {
  const { signal, watch, stall } = options;
  try {
    await downloadUnsized(urls, filePath, {
      signal: signal ? AbortSignal.any([stall, signal]) : stall,
      onBytes: (bytes) => {
        if (watch.reached(bytes)) options.onProgress?.();
      },
      verify: (partialPath) => checkDownloaded(spec, options.modelsDir, { filePath, totalSize: 0 }, partialPath),
    });
  } catch (error) {
    if (signal?.aborted) throw downloadInterrupted(spec, options.modelsDir, signal.reason, false);
    throw stall.aborted ? stall.reason : error;
  }
}

/**
 * Fails with MODEL_DOWNLOAD_FAILED, deleting it, unless the file `file` was downloaded to (`savedAt`)
 * is the size its host stated (when it stated one) and a GGUF that holds all the data its header lists.
 */
async function checkDownloaded(spec: string, modelsDir: string, file: FileToDownload, savedAt: string): Promise<void> {
  const size = await stat(savedAt).then((info) => info.size, () => -1);
  const reason =
    file.totalSize > 0 && size !== file.totalSize
      ? `it is ${size.toLocaleString('en-US')} bytes, and its host stated ${file.totalSize.toLocaleString('en-US')}`
      : await ggufCompleteness(savedAt).then((check) => (check.whole ? undefined : check.reason));
  if (reason === undefined) return;
  // A folder no one may write to keeps it; the check on the next start refuses it all the same.
  await rm(savedAt, { force: true }).catch(() => undefined);
  throw downloadIncomplete(spec, modelsDir, basename(file.filePath), reason);
}

/** Every file of the download is in place at the size its host stated. */
async function isWhole(files: readonly FileToDownload[]): Promise<boolean> {
  const sizes = await Promise.all(files.map((file) => stat(file.filePath).then((info) => info.size, () => -1)));
  return files.length > 0 && files.every((file, index) => file.totalSize > 0 && sizes[index] === file.totalSize);
}
