import type { Config, ConfigVariable } from '../config.js';
import type { CommandArguments } from './command-arguments.js';
import type { Logger } from '../ports/logger.js';

export interface CommandContext {
  readonly args: readonly string[];
  readonly config: Config;
  readonly logger: Logger;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM; SIGHUP too for a command that `stopsOnHangUp`). */
  readonly stopped: Promise<NodeJS.Signals>;
  /**
   * Aborted when the process is asked to stop, with an INTERRUPTED FeelbotError (`details.signal`)
   * as its reason: for what must end early, a download or a start-up that can take minutes.
   */
  readonly signal: AbortSignal;
}

/** One `feelbot <name>` subcommand. Long-running ones resolve only after a clean stop. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /**
   * True when the arguments are free text (analyze): a bare `help` is then text, only `--help` and
   * `-h` ask for the usage, and `--` lets the text itself start with a dash. Defaults to false.
   */
  readonly takesText?: boolean;
  /**
   * The options and words it takes, checked before it runs: anything else is USAGE_INVALID, not
   * dropped. Defaults to none of either.
   */
  readonly accepts?: CommandArguments;
  /**
   * The variables the command reads, when it reads only a few (the offline tools): a bad value in
   * another one (a worker's REDIS_URL in the .env it finds) is a warning, not a failure. Defaults to all.
   */
  readonly reads?: readonly ConfigVariable[];
  /**
   * True when a hang-up (SIGHUP: its terminal closed, its SSH session dropped) stops it as SIGINT does,
   * for an interactive session (chat) that must clean up. Defaults to false: SIGHUP's default ends the
   * process, and `nohup` keeps ignoring it, which a listener would undo (a daemon would then stop at logout).
   */
  readonly stopsOnHangUp?: boolean;
  /**
   * A command that reads `stopped` or `signal` from its context ends by itself on a stop signal; one
   * that reads neither (analyze, eval) has nothing to close, and the signal ends its process at once.
   */
  run(context: CommandContext): Promise<void>;
}

/**
 * What `work` resolves to, or undefined when `signal` aborts first; what `work` makes after all then
 * goes to `discard` (a start-up step finishing late must not leave a model or a connection open
 * while the process stops).
 */
export function unlessStopped<T>(work: Promise<T>, signal: AbortSignal, discard: (late: T) => unknown = () => undefined): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const onStop = (): void => {
      void work.then((late) => discard(late)).catch(() => undefined);
      resolve(undefined);
    };
    if (signal.aborted) return onStop();
    signal.addEventListener('abort', onStop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onStop));
  });
}
