import { access } from 'node:fs/promises';
import { resolveProjectPath } from '../files/package-root.js';
import { resolveModelFile } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError } from '../../errors.js';

export interface ResolveModelOptions {
  /** Where `hf:` models are looked up and downloaded to (resumable). */
  readonly modelsDir: string;
  /** Show node-llama-cpp's download progress bar. Defaults to `true`. */
  readonly showProgress?: boolean;
  /**
   * Give up when a download makes no progress for this long (also bounds connecting while
   * offline, which can otherwise hang for minutes). Defaults to `15_000`.
   */
  readonly stallTimeoutMs?: number;
  /** Download when the model is not in `modelsDir` yet; false only looks locally. Defaults to `true`. */
  readonly download?: boolean;
}

export const DefaultResolveModelOptions = {
  showProgress: true,
  stallTimeoutMs: 15_000,
  download: true,
} as const satisfies Omit<ResolveModelOptions, 'modelsDir'>;

const REMOTE_PREFIXES = ['hf:', 'huggingface:', 'https://', 'http://'];

function isRemoteModel(spec: string): boolean {
  return REMOTE_PREFIXES.some((prefix) => spec.startsWith(prefix));
}

/**
 * Turns `LLM_MODEL` (a local .gguf path or an `hf:user/repo:quant` / `hf:user/repo/file.gguf`
 * URI) into a local file path, downloading into `modelsDir` when needed.
 */
export async function resolveModel(spec: string, options: ResolveModelOptions): Promise<string> {
  return isRemoteModel(spec) ? resolveRemote(spec, options) : resolveLocal(spec);
}

async function resolveLocal(spec: string): Promise<string> {
  const path = resolveProjectPath(spec);
  try {
    await access(path);
  } catch (error) {
    throw new FeelbotError(
      ErrorCodes.ModelNotFound,
      `Model file not found: ${path}. Set LLM_MODEL to an existing .gguf file, ` +
        'or to an hf:user/repo:quant URI and run `feelbot models pull`.',
      { cause: error, userFacing: true, permanent: true, details: { path } },
    );
  }
  return path;
}

async function resolveRemote(spec: string, options: ResolveModelOptions): Promise<string> {
  const settings = { ...DefaultResolveModelOptions, ...options };
  try {
    return await resolveModelFile(spec, { directory: settings.modelsDir, cli: false, download: false });
  } catch (localMiss) {
    if (!settings.download) throw downloadFailed(spec, settings.modelsDir, localMiss);
  }
  const controller = new AbortController();
  let stallTimer: NodeJS.Timeout | undefined;
  let rejectStall: (reason: Error) => void = () => {};
  const stalled = new Promise<never>((_, reject) => (rejectStall = reject));
  const armStallTimer = (): void => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      const reason = new Error(`no download progress for ${settings.stallTimeoutMs} ms`);
      controller.abort(reason);
      rejectStall(reason);
    }, settings.stallTimeoutMs);
  };
  armStallTimer();
  try {
    // The race makes the stall timeout hold even where node-llama-cpp does not honour the signal.
    return await Promise.race([
      resolveModelFile(spec, {
        directory: settings.modelsDir,
        cli: settings.showProgress,
        signal: controller.signal,
        // Keep the .ipull partial file on a stall, so the next start resumes where this one stopped.
        deleteTempFileOnCancel: false,
        onProgress: armStallTimer,
      }),
      stalled,
    ]);
  } catch (error) {
    throw downloadFailed(spec, settings.modelsDir, error);
  } finally {
    clearTimeout(stallTimer);
  }
}

function downloadFailed(spec: string, modelsDir: string, cause: unknown): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FeelbotError(
    ErrorCodes.ModelDownloadFailed,
    `Could not download ${spec} into ${modelsDir} (${reason}). ` +
      'Run `feelbot models pull` on a machine with internet access, or set LLM_MODEL to a local .gguf file.',
    { cause, userFacing: true, details: { spec, modelsDir } },
  );
}
