import { join } from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';
import { resolveProjectPath } from '../files/package-root.js';
import { downloadFailed, downloadInterrupted, UNWRITABLE } from './download-errors.js';
import { makeDownloadFolder } from './download-folder.js';
import { acquireDownloadLock, type DownloadLock, type LockHolder } from './download-lock.js';
import { downloadModel } from './download-model.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { checkModelFile } from './model-file.js';
import { DOWNLOAD_STALL_TIMEOUT_MS } from './stall-watch.js';
import { findUrlModel, isUrlModel } from './url-model-file.js';
import { incompleteModel } from './whole-model.js';

export interface ResolveModelOptions {
  /** Where `hf:` and URL models are looked up and downloaded to (resumable). */
  readonly modelsDir: string;
  /** Show node-llama-cpp's download progress bar. Defaults to `true`. */
  readonly showProgress?: boolean;
  /**
   * Give up when a download gets no further for this long (also bounds connecting while offline,
   * which can otherwise hang for minutes), and take over another process's download lock that has
   * not moved for this long plus STALE_LOCK_GRACE_MS. Defaults to `15_000`.
   */
  readonly stallTimeoutMs?: number;
  /** Download when the model is not in `modelsDir` yet; false only looks locally. Defaults to `true`. */
  readonly download?: boolean;
  /** Stops a download, or the wait for another process's, keeping the partial file for the next start. */
  readonly signal?: AbortSignal;
  /** Told once when another process is downloading the same model into `modelsDir` and this one waits for it. */
  readonly onWait?: (holder: LockHolder | undefined) => void;
}

export const DefaultResolveModelOptions = {
  showProgress: true,
  stallTimeoutMs: DOWNLOAD_STALL_TIMEOUT_MS,
  download: true,
} as const satisfies Omit<ResolveModelOptions, 'modelsDir'>;

/** A lock holder gets this long past its own stall timeout to give up and remove its lock itself. */
const STALE_LOCK_GRACE_MS = 5_000;
const NO_LOCK: DownloadLock = { refresh: () => undefined, release: async () => undefined };
const REMOTE_PREFIXES = ['hf:', 'huggingface:', 'https://', 'http://'];

function isRemoteModel(spec: string): boolean {
  return REMOTE_PREFIXES.some((prefix) => spec.startsWith(prefix));
}

/**
 * Turns `LLM_MODEL` (a local .gguf path, an `hf:user/repo:quant` / `hf:user/repo/file.gguf` URI,
 * or an http(s) URL) into a local file path, downloading into `modelsDir` when it is not there whole.
 */
export async function resolveModel(spec: string, options: ResolveModelOptions): Promise<string> {
  return isRemoteModel(spec) ? resolveRemote(spec, options) : resolveLocal(spec);
}

/**
 * A local file (every part of a split one) must hold all the data its GGUF header lists: a copy or
 * download cut short is told as such before llama.cpp loads it, rather than as its load failure (on
 * a GPU, then again on the CPU with LLM_GPU=auto), or as a model with a part missing.
 */
async function resolveLocal(spec: string): Promise<string> {
  const path = resolveProjectPath(spec);
  await checkModelFile(path);
  const incomplete = await incompleteModel(path);
  if (incomplete) {
    throw new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `Model file ${path} cannot be used: ${incomplete.message}. Copy it again (every part of a split model), or point LLM_MODEL at another .gguf file.`,
      { cause: incomplete, userFacing: true, permanent: true, details: { path } },
    );
  }
  return path;
}

/**
 * One process downloads a model at a time into a folder (several workers, or a worker and the API,
 * share MODELS_DIR); the others wait for it and then find the file.
 */
async function resolveRemote(spec: string, options: ResolveModelOptions): Promise<string> {
  const settings = { ...DefaultResolveModelOptions, ...options };
  const { modelsDir } = settings;
  const local = await findDownloaded(spec, modelsDir);
  if (local.path) return local.path;
  if (!settings.download) throw downloadFailed(spec, modelsDir, local.miss);
  const lock = await lockDownload(spec, settings);
  try {
    // The process that held the lock has most likely just finished it.
    const done = await findDownloaded(spec, modelsDir);
    if (done.path) return done.path;
    return await downloadModel(spec, { ...settings, onProgress: () => lock.refresh() });
  } finally {
    await lock.release();
  }
}

async function lockDownload(spec: string, settings: ResolveModelOptions & { readonly stallTimeoutMs: number }): Promise<DownloadLock> {
  const { modelsDir, signal } = settings;
  await makeDownloadFolder(spec, modelsDir);
  try {
    return await acquireDownloadLock(lockPath(modelsDir, spec), { staleAfterMs: settings.stallTimeoutMs + STALE_LOCK_GRACE_MS, signal, onWait: settings.onWait });
  } catch (error) {
    if (signal?.aborted) throw downloadInterrupted(spec, modelsDir, signal.reason);
    // A folder no one may write to (a read-only volume filled beforehand) needs no lock: a URL's file that
    // only its host can name (no .gguf name in the URL) is found there whole by the downloader, and anything else is MODELS_DIR_UNWRITABLE there.
    if (UNWRITABLE.has(String((error as NodeJS.ErrnoException).code))) return NO_LOCK;
    throw downloadFailed(spec, modelsDir, error);
  }
}

/**
 * The model's file in `modelsDir` when it is there whole, looked up without a network request. A file
 * there that does not hold all the data its GGUF header lists (every part of a split model is read)
 * is a miss that says why, as a download cut short is: it is downloaded again, or refused.
 */
async function findDownloaded(spec: string, modelsDir: string): Promise<{ path?: string; miss?: unknown }> {
  let path: string | undefined;
  try {
    path = await resolveModelFile(spec, { directory: modelsDir, cli: false, download: false });
  } catch (miss) {
    // node-llama-cpp cannot name a plain URL's file without asking its host; downloadModel saves it under the URL's name.
    path = isUrlModel(spec) ? await findUrlModel(spec, modelsDir) : undefined;
    if (path === undefined) return { miss };
  }
  const incomplete = await incompleteModel(path);
  return incomplete ? { miss: incomplete } : { path };
}

/** One lock per model: the name tells an operator listing the folder what is being downloaded. */
function lockPath(modelsDir: string, spec: string): string {
  return join(modelsDir, `${spec.replace(/[^\w.-]+/g, '_').slice(0, 160)}.download-lock`);
}
