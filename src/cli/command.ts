import type { Config, ConfigVariable } from '../config.js';
import type { Logger } from '../ports/logger.js';

export interface CommandContext {
  readonly args: readonly string[];
  readonly config: Config;
  readonly logger: Logger;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
  readonly stopped: Promise<NodeJS.Signals>;
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
   * The variables the command reads, when it reads only a few (the offline tools): a bad value in
   * another one (a worker's REDIS_URL in the .env it finds) is a warning, not a failure. Defaults to all.
   */
  readonly reads?: readonly ConfigVariable[];
  run(context: CommandContext): Promise<void>;
}
