import { redactSecrets } from '../adapters/logging/redact-secrets.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/**
 * What a command that failed prints on stderr, and its exit code: a user-facing error's message and
 * code (2 for a usage error), or any other error's stack as an unexpected failure. Either goes
 * through the logs' secret redaction, since it bypasses the logger.
 */
export function fatalMessage(error: unknown): { readonly text: string; readonly exitCode: number } {
  if (error instanceof FeelbotError && error.userFacing) {
    return { text: redactSecrets(`feelbot: ${error.message}\n(${error.code})\n`), exitCode: error.code === ErrorCodes.UsageInvalid ? 2 : 1 };
  }
  return { text: redactSecrets(`feelbot: unexpected failure\n${error instanceof Error ? error.stack : String(error)}\n`), exitCode: 1 };
}
