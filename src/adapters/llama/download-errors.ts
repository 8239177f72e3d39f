import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';

/** What a full disk (or an exhausted quota) says through Node's file system calls. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
/** What a folder this process may not write to says: a read-only mount (EROFS, also for root), or its modes. */
export const UNWRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);
/** HTTP answers that mean "not for you": a gated or private model, or a missing or wrong HF_TOKEN. */
const REFUSED = new Set([401, 403]);
/** node-llama-cpp's own message for a refused Hugging Face manifest carries the status only as text. */
const STATUS_IN_MESSAGE = /(?:Status code: |: )([1-5]\d\d)(?:,| [A-Z])/;
/** `hf:user/repo…`, and huggingface.co URLs: where the model's page (its terms, its files) is. */
const HUB_REPO = /^(?:hf:|huggingface:|https:\/\/(?:huggingface\.co|hf\.co)\/)([\w.-]+\/[\w.-]+)/;

/**
 * A download that failed, with the advice that fits why: a full disk is DISK_FULL, a refusal
 * (401/403) is about HF_TOKEN and the model's terms, a 404 about the name, anything else about
 * reaching the host.
 */
export function downloadFailed(spec: string, modelsDir: string, cause: unknown): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const unwritable = unwritableOrFull(spec, modelsDir, cause);
  if (unwritable) return unwritable;
  const status = httpStatusOf(cause);
  const page = modelPage(spec);
  const advice = REFUSED.has(status ?? 0)
    ? 'The host refused it: a gated or private Hugging Face model needs HF_TOKEN set to a valid token of an account that has ' +
      `accepted the model's terms${page ? ` on ${page}` : ' on its page'}. Check HF_TOKEN, or set LLM_MODEL to another model or a local .gguf file.`
    : status === 404
      ? 'The host has no such file: check the repository, file name or quantisation in LLM_MODEL.'
      : 'Run `feelbot models pull` on a machine with internet access, or set LLM_MODEL to a local .gguf file.';
  return new FeelbotError(ErrorCodes.ModelDownloadFailed, `Could not download ${spec} into ${modelsDir} (${reason}). ${advice}`, {
    cause,
    userFacing: true,
    details: { spec, modelsDir, ...(status === undefined ? {} : { status }) },
  });
}

/**
 * MODELS_DIR_UNWRITABLE or DISK_FULL when writing `spec` into `modelsDir` failed for one of those
 * reasons (the errno `cause` carries); undefined for any other failure.
 */
export function unwritableOrFull(spec: string, modelsDir: string, cause: unknown): FeelbotError | undefined {
  const errno = errnoOf(cause) ?? '';
  if (UNWRITABLE.has(errno)) return modelsDirUnwritable(spec, modelsDir, cause);
  if (!DISK_FULL.has(errno)) return undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FeelbotError(
    ErrorCodes.DiskFull,
    `The disk of MODELS_DIR filled up while ${spec} was downloading into ${modelsDir} (${reason}). ` +
      'Free some space there, or set MODELS_DIR to a disk with room.',
    { cause, userFacing: true, details: { spec, modelsDir } },
  );
}

/** A model missing from a folder this process may not write to, so it cannot be downloaded there. */
export function modelsDirUnwritable(spec: string, modelsDir: string, cause: unknown): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FeelbotError(
    ErrorCodes.ModelsDirUnwritable,
    `MODELS_DIR cannot be written: ${spec} is not in ${modelsDir} yet, and this process may not write there to download it (${reason}). ` +
      'Mount that folder read-write, or let the user feelbot runs as write to it; or set MODELS_DIR to a writable folder, ' +
      'or put the model there beforehand with `feelbot models pull` where the folder is writable.',
    { cause, userFacing: true, permanent: true, details: { spec, modelsDir, errno: errnoOf(cause) } },
  );
}

/**
 * A download a stop signal ended: `reason` is the signal's abort reason. `partKept` is false for a
 * download from a host that states no size, which cannot be resumed.
 */
export function downloadInterrupted(spec: string, modelsDir: string, reason: unknown, partKept = true): FeelbotError {
  const part = partKept
    ? 'The part already downloaded is kept: the next `feelbot models pull` or start goes on from it.'
    : 'Its host states no size, so a download of it cannot resume: the next `feelbot models pull` or start downloads it again.';
  return new FeelbotError(
    ErrorCodes.Interrupted,
    `Stopped before ${spec} finished downloading into ${modelsDir}. ${part}`,
    { cause: reason, userFacing: true, details: { ...(isFeelbotError(reason) ? reason.details : {}), spec, modelsDir } },
  );
}

/** A download that ended without the whole model (`reason` says how it falls short); `fileName` was deleted, not kept as the model. */
export function downloadIncomplete(spec: string, modelsDir: string, fileName: string, reason: string): FeelbotError {
  return new FeelbotError(
    ErrorCodes.ModelDownloadFailed,
    `Downloaded ${spec} into ${modelsDir}, but ${fileName} is incomplete or not a GGUF model (${reason}), so it was deleted. ` +
      'The next `feelbot models pull` or start downloads it again. If its host keeps sending it short, download the file by hand ' +
      `into ${modelsDir} and set LLM_MODEL to its path.`,
    { userFacing: true, details: { spec, modelsDir, fileName, reason } },
  );
}

/** A split model whose host states no size for its parts: they could be neither resumed nor checked as they arrive. */
export function partsWithoutSize(spec: string, modelsDir: string): FeelbotError {
  return new FeelbotError(
    ErrorCodes.ModelDownloadFailed,
    `Could not download ${spec} into ${modelsDir}: its host sent no Content-Length for the parts of this split model, so ` +
      `feelbot does not download them. Download every part by hand into ${modelsDir} and set LLM_MODEL to the path of the first.`,
    { userFacing: true, permanent: true, details: { spec, modelsDir } },
  );
}

/** The download would not fit on MODELS_DIR's disk. */
export function notEnoughSpace(spec: string, modelsDir: string, neededBytes: number, freeBytes: number): FeelbotError {
  return new FeelbotError(
    ErrorCodes.DiskFull,
    `Not enough free space in MODELS_DIR for ${spec}: downloading it into ${modelsDir} needs ${describeBytes(neededBytes)} more, ` +
      `and ${describeBytes(freeBytes)} are free (ENOSPC). Free some space there, or set MODELS_DIR to a disk with room.`,
    { userFacing: true, permanent: true, details: { spec, modelsDir, neededBytes, freeBytes } },
  );
}

/** The HTTP status a download error carries: ipull's StatusCodeError has it as a field, node-llama-cpp's manifest error as text. */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const field = (error as { statusCode?: unknown }).statusCode;
  if (typeof field === 'number') return field;
  const match = STATUS_IN_MESSAGE.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/** The model's Hugging Face page, where its terms are accepted, when `spec` names a hub model. */
export function modelPage(spec: string): string | undefined {
  const repo = HUB_REPO.exec(spec)?.[1];
  return repo ? `https://huggingface.co/${repo}` : undefined;
}

/** The code Node's file system calls put on their errors (ENOSPC, EROFS…). */
function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeBytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB (${bytes.toLocaleString('en-US')} bytes)`;
}
