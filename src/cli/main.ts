#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { registerSecret } from '../adapters/logging/redact-secrets.js';
import { credentialsInUrl } from '../adapters/logging/url-credentials.js';
import { passwordsIn } from '../adapters/redis/redis-url-secrets.js';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { loadConfigFor } from '../config.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { COMMANDS } from './commands/index.js';
import type { Command, CommandContext } from './command.js';
import { asksForHelp, checkCommandArguments } from './command-arguments.js';
import { asUsageError, commandUsage } from './usage-error.js';
import { fatalMessage } from './fatal-message.js';
import { endQuietlyWhenStdoutReaderLeaves } from './stdout-reader-gone.js';

/** After a stop signal, a process that has not exited by then is stuck; exit anyway, saying so (SHUTDOWN_TIMEOUT). */
const FORCED_EXIT_MS = 30_000;
/** How long a finished command's process may stay alive for what is still being written out. */
const LINGER_MS = 1_000;
/** What asks for the list of commands in place of a command's name. */
const HELP = ['help', '--help', '-h'];

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    // Asked for, the list is the answer (stdout); after a mistake, or no command at all, it is a complaint (stderr).
    const asked = name !== undefined && HELP.includes(name);
    if (asked && args.length > 0) return helpWith(args);
    (asked ? process.stdout : process.stderr).write(usage(name));
    return name && !asked ? 2 : 0;
  }
  if (asksForHelp(command, args)) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  // Before any setting is read: a mistyped option is the mistake to report, and nothing may start without what it asked.
  checkCommandArguments(command, args);
  // FEELBOT_ENV_FILE picks another file, or none when empty (tests run without a developer's .env).
  const envFile = process.env.FEELBOT_ENV_FILE ?? '.env';
  if (envFile && existsSync(envFile)) process.loadEnvFile(envFile);
  const { config, ignored } = loadConfigFor(process.env, { reads: command.reads });
  registerSecret(config.discord.token);
  // Read by node-llama-cpp and transformers.js themselves, for gated or private Hugging Face models.
  registerSecret(process.env.HF_TOKEN);
  // The URL as given: one the command ignored as invalid may still hold a password.
  for (const password of passwordsIn(process.env.REDIS_URL ?? config.redis.url)) registerSecret(password);
  // A model downloaded from a pre-signed or password-protected link, and endpoints given with credentials.
  for (const url of [process.env.LLM_MODEL, process.env.DISCORD_API_URL, process.env.DISCORD_CDN_URL, process.env.AVATAR_BASE_URL]) {
    for (const credential of credentialsInUrl(url)) registerSecret(credential);
  }
  const logger = createLogger(config.logLevel, `feelbot-${command.name}`);
  if (ignored.length > 0) logger.warn({ code: ErrorCodes.ConfigInvalid, problems: ignored }, `${command.name} does not read these settings, so it ignores them; other commands will refuse them`);
  const stop = stopOnSignal(command, logger);
  let watchesStop = false;
  const context: CommandContext = {
    args,
    config,
    logger,
    get stopped() {
      watchesStop = true;
      return stop.stopped;
    },
    get signal() {
      watchesStop = true;
      return stop.signal;
    },
  };
  // A command that never looked at the stop signal (analyze, eval) has nothing to close: the signal ends it at once.
  const ignoredStop = new Promise<never>((_, reject) =>
    stop.signal.addEventListener('abort', () => {
      if (!watchesStop) reject(stop.signal.reason);
    }),
  );
  try {
    await Promise.race([command.run(context), ignoredStop]);
  } catch (error) {
    throw asUsageError(error, command);
  }
  return 0;
}

/**
 * SIGINT and SIGTERM (and SIGHUP for a command that `stopsOnHangUp`), as a promise and as an
 * AbortSignal whose reason is an INTERRUPTED error naming the signal; a stop still unfinished FORCED_EXIT_MS later is logged (SHUTDOWN_TIMEOUT) and ended with exit code 1.
 * A repeated signal (an impatient operator, a supervisor signalling the whole process group) is
 * logged and ignored: Node's default would kill the process at once, leaving its jobs to be found
 * stalled instead of put back, and the forced exit already bounds the stop.
 */
function stopOnSignal(command: Command, logger: Logger): { readonly stopped: Promise<NodeJS.Signals>; readonly signal: AbortSignal } {
  const controller = new AbortController();
  let stopping = false;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.info({ signal, forcedExitAfterMs: FORCED_EXIT_MS }, 'already stopping: a repeated signal is ignored');
        return;
      }
      stopping = true;
      const forceExit = () => {
        // pino writes what it still holds on exit.
        logger.error(
          { code: ErrorCodes.ShutdownTimeout, signal, afterMs: FORCED_EXIT_MS },
          `feelbot ${command.name} was still stopping ${FORCED_EXIT_MS / 1_000} s after ${signal}; exiting without finishing the stop`,
        );
        process.exit(1);
      };
      setTimeout(forceExit, FORCED_EXIT_MS).unref();
      resolve(signal);
      controller.abort(
        new FeelbotError(ErrorCodes.Interrupted, `feelbot ${command.name} was stopped by ${signal} before it finished.`, {
          userFacing: true,
          details: { signal },
        }),
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (command.stopsOnHangUp) process.on('SIGHUP', onSignal);
  });
  return { stopped, signal: controller.signal };
}

/** `feelbot help <command>`: that command's usage, as `<command> --help` prints it; another word is a usage mistake (exit 2). */
function helpWith([topic, ...rest]: readonly string[]): number {
  const command = COMMANDS.find((candidate) => candidate.name === topic);
  if (!command || rest.length > 0) {
    process.stderr.write(command ? `feelbot help takes one command name; got "${rest.join(' ')}" after it.\n\n${usage(undefined)}` : usage(topic));
    return 2;
  }
  process.stdout.write(commandUsage(command));
  return 0;
}

function usage(unknown: string | undefined): string {
  const lines = COMMANDS.map((command: Command) => `  ${command.usage.padEnd(44)} ${command.summary}`);
  const head = unknown && !HELP.includes(unknown) ? `Unknown command "${unknown}".\n\n` : '';
  return `${head}Usage: feelbot <command>\n\n${lines.join('\n')}\n`;
}

/** Prints a failure as a command's is printed (coded, redacted, no raw stack for a known cause) and exits. */
function failNow(error: unknown): void {
  const { text, exitCode } = fatalMessage(error);
  process.stderr.write(text);
  process.exit(exitCode);
}

// A library's failure outside any promise feelbot awaits (ipull writing to a full disk) ends the process the same way.
process.on('unhandledRejection', failNow);
process.on('uncaughtException', failNow);
// `feelbot analyze … | true`: the reader left before the output was written, which is no failure to report.
endQuietlyWhenStdoutReaderLeaves(failNow);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything feelbot opened is closed by now; a library's leftover timer (BullMQ's stalled-job
    // check, when Redis was down as the worker stopped) must not keep the process alive.
    setTimeout(() => process.exit(), LINGER_MS).unref();
  },
  // The command failed and said why: whatever it left running (a download node-llama-cpp keeps
  // retrying after the stall timeout gave up on it, a socket) must not keep the process alive.
  failNow,
);
