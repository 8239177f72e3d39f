import { constants } from 'node:os';
import { redactSecrets } from '../adapters/logging/redact-secrets.js';
import { errorCodeOf, ErrorCodes, FeelbotError } from '../errors.js';

/** What a full disk (or an exhausted quota) says through Node's file system calls. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * What a command that failed prints on stderr, and its exit code: a user-facing error's message and
 * code (2 for a usage error, 128 + the signal's number for a stop signal, as a shell gives a process
 * the signal ended), a full disk's advice, or any other error's stack as an unexpected failure. Each
 * goes through the logs' secret redaction, since it bypasses the logger.
 */
export function fatalMessage(error: unknown): { readonly text: string; readonly exitCode: number } {
  if (error instanceof FeelbotError && error.userFacing) {
    return { text: redactSecrets(`feelbot: ${error.message}\n(${error.code})\n`), exitCode: exitCodeOf(error) };
  }
  if (error instanceof Error && DISK_FULL.has(String((error as NodeJS.ErrnoException).code))) {
    return {
      text: redactSecrets(
        `feelbot: the disk is full (${error.message}). Free some space there (model downloads go to MODELS_DIR), then try again.\n(${ErrorCodes.DiskFull})\n`,
      ),
      exitCode: 1,
    };
  }
  return { text: redactSecrets(`feelbot: unexpected failure\n${error instanceof Error ? error.stack : String(error)}\n(${errorCodeOf(error)})\n`), exitCode: 1 };
}

function exitCodeOf(error: FeelbotError): number {
  if (error.code === ErrorCodes.UsageInvalid) return 2;
  if (error.code === ErrorCodes.Interrupted) {
    const number = constants.signals[error.details.signal as NodeJS.Signals] as number | undefined;
    return number === undefined ? 1 : 128 + number;
  }
  return 1;
}
