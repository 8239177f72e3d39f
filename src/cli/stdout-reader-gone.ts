import { constants } from 'node:os';
import { withinMs } from '../time-limit.js';

/**
 * The exit code once stdout's reader has left (`feelbot analyze … | true`): 128 + SIGPIPE, what a shell
 * reports for a Unix tool SIGPIPE ends (cat, grep, seq); Node ignores SIGPIPE and sees EPIPE instead.
 * Not 0, since the output was not read: `set -o pipefail` says so, and without it a pipeline's status
 * is its reader's, so `… | head` is unaffected.
 */
export const READER_GONE_EXIT = 128 + constants.signals.SIGPIPE;

/** Longest wait for a command's own end once its reader has left: as long as a stop signal gives it (main's FORCED_EXIT_MS). */
const OWN_END_MS = 30_000;

/** The end a running command asked for in place of an exit at once (endFirstWhenStdoutReaderLeaves). */
let ownEnd: (() => Promise<unknown>) | undefined;

/**
 * Ends the process quietly, as SIGPIPE ends a Unix tool, when stdout's reader has left (EPIPE, or EIO
 * from a terminal that hung up): nothing more can reach it, and that is no failure of feelbot's. It
 * ends at once, or after the command's own end when it asked for one. Any other error on stdout goes
 * to `fail`, as an error no one listened for would.
 */
export function endQuietlyWhenStdoutReaderLeaves(fail: (error: unknown) => void): void {
  let leaving = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Once the reader has left, every later write fails too: the first failure decided.
    if (leaving) return;
    if (!readerLeft(error)) return fail(error);
    leaving = true;
    if (!ownEnd) process.exit(READER_GONE_EXIT);
    const end = ownEnd;
    void withinMs(Promise.resolve().then(end), OWN_END_MS)
      .catch(() => undefined)
      .finally(() => process.exit(READER_GONE_EXIT));
  });
}

/**
 * Until the returned function is called, stdout's reader leaving runs `end` (a session's normal end,
 * its clean-up included) and waits for it, up to OWN_END_MS, before the process exits READER_GONE_EXIT.
 */
export function endFirstWhenStdoutReaderLeaves(end: () => Promise<unknown>): () => void {
  ownEnd = end;
  return () => {
    if (ownEnd === end) ownEnd = undefined;
  };
}

/** A hung-up terminal fails writes with EIO; a file's EIO is a disk failure, to be reported. */
function readerLeft(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || (error.code === 'EIO' && process.stdout.isTTY === true);
}
