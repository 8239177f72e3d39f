import { ErrorCodes, FeelbotError } from '../errors.js';
import type { Command } from './command.js';

/** `node:util` parseArgs rejects unknown or malformed options with these codes. */
function isArgumentError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS_');
}

export function commandUsage(command: Command): string {
  return `Usage: feelbot ${command.usage}\n  ${command.summary}\n`;
}

/** A command's options the user got wrong, said with the command's usage instead of a stack trace. */
export function asUsageError(error: unknown, command: Command): unknown {
  if (!isArgumentError(error)) return error;
  return new FeelbotError(ErrorCodes.UsageInvalid, `${error.message}\n${commandUsage(command).trimEnd()}`, {
    userFacing: true,
    permanent: true,
    cause: error,
  });
}
