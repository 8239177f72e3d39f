import { execFileSync } from 'node:child_process';

export const IS_ROOT = process.getuid?.() === 0;

/** A setup this machine cannot make for this user (no root, no password-less sudo, no mount): the tests needing it cannot run. */
export class SetupUnavailable extends Error {
  override readonly name = 'SetupUnavailable';
}

/** What a setup gave: what it made, or why this machine cannot make it. */
export type Setup<T> = { readonly made: T; readonly unavailable?: undefined } | { readonly made?: undefined; readonly unavailable: string };

/** Runs `make`, turning SetupUnavailable into a reason; any other error is a bug in the setup and is thrown. */
export function trySetup<T>(make: () => T): Setup<T> {
  try {
    return { made: make() };
  } catch (error) {
    if (error instanceof SetupUnavailable) return { unavailable: error.message };
    throw error;
  }
}

/**
 * Runs `command` as root: directly when the tests run as root, else through sudo that may not ask
 * for a password (as .ci/run uses on a runner that is not root). SetupUnavailable when neither can.
 */
export function runAsRoot(command: string, args: readonly string[]): void {
  const [file, fileArgs] = IS_ROOT ? [command, args] : ['sudo', ['-n', command, ...args]];
  try {
    execFileSync(file, fileArgs, { stdio: 'pipe' });
  } catch (error) {
    const { stderr, message } = error as { stderr?: Buffer; message: string };
    // On one line: it becomes a test's title.
    const said = (stderr?.toString().trim() || message).replace(/\s+/g, ' ');
    throw new SetupUnavailable(`\`${[file, ...fileArgs].join(' ')}\` failed: ${said}`);
  }
}

/** Unmounts `path`; one still busy (a process the test could not stop) is detached, and the kernel frees it when unused. */
export function unmount(path: string): void {
  try {
    runAsRoot('umount', [path]);
  } catch {
    runAsRoot('umount', ['-l', path]);
  }
}
