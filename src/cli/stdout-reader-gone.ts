import { constants } from 'node:os';

/**
 * The exit code once stdout's reader has left (`feelbot analyze … | true`): 128 + SIGPIPE, what a shell
 * reports for a Unix tool SIGPIPE ends (cat, grep, seq); Node ignores SIGPIPE and sees EPIPE instead.
 * Not 0, since the output was not read: `set -o pipefail` says so, and without it a pipeline's status
 * is its reader's, so `… | head` is unaffected.
 */
export const READER_GONE_EXIT = 128 + constants.signals.SIGPIPE;

/**
 * Ends the process at once and quietly, as SIGPIPE ends a Unix tool, when stdout's reader has left
 * (EPIPE): nothing more can reach it, and that is no failure of feelbot's. Any other error on stdout
 * goes to `fail`, as an error no one listened for would.
 */
export function endQuietlyWhenStdoutReaderLeaves(fail: (error: unknown) => void): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(READER_GONE_EXIT);
    else fail(error);
  });
}
