import type { Config } from '../config.js';
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
  run(context: CommandContext): Promise<void>;
}
