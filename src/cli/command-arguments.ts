import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command } from './command.js';
import { asUsageError } from './usage-error.js';

/** Options declared as `node:util` parseArgs declares them (its own name for this type is not exported). */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What a command takes after its name; anything else is a usage mistake. */
export interface CommandArguments<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> {
  /** Its options, declared as `node:util` parseArgs declares them. Defaults to none. */
  readonly options?: O;
  /** The most words it takes besides its options (eval's file, models' `pull`). Defaults to 0. */
  readonly maxPositionals?: number;
}

/**
 * A free-text command's arguments (analyze): any number of words, no option. A word is text unless
 * it looks like an option name (`-x`, `--json`, `--json=1`): tweets start with `-_-`, `- i am` or `-5`.
 */
export const FREE_TEXT = { maxPositionals: Number.POSITIVE_INFINITY } as const satisfies CommandArguments;

/** What a free-text command reads as an option, not text: a dash or two, a name, perhaps `=value`; no space. */
const OPTION_NAME = /^--?[A-Za-z][\w-]*(=\S*)?$/;
/** Stands in for a dashed text while parseArgs reads the rest: no argument holds a NUL, so none is taken for it. */
const TEXT_MARK = '\u0000text:';

/** The flags that ask for a command's usage. */
const HELP_FLAGS: readonly string[] = ['--help', '-h'];
/** Ends the options: what follows is text or a file name, even "--help". */
const END_OF_OPTIONS = '--';
/** The codes `node:util` parseArgs gives its own mistakes; a word too many is told with the same family. */
const UNKNOWN_OPTION = 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
const UNEXPECTED_POSITIONAL = 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL';

/** An argument mistake coded as parseArgs codes its own, so main reports every one as USAGE_INVALID. */
class ArgumentError extends TypeError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function beforeEndOfOptions(args: readonly string[]): readonly string[] {
  const end = args.indexOf(END_OF_OPTIONS);
  return end < 0 ? args : args.slice(0, end);
}

function isFreeText(declared: CommandArguments): boolean {
  return declared.maxPositionals === FREE_TEXT.maxPositionals;
}

/** Free text's dashed words that are no option name, before any `--`, marked so parseArgs reads them as words. */
function markDashedText(args: readonly string[]): string[] {
  const end = args.indexOf(END_OF_OPTIONS);
  const dashedText = (arg: string, i: number) => (end < 0 || i < end) && arg.length > 1 && arg.startsWith('-') && !OPTION_NAME.test(arg);
  return args.map((arg, i) => (dashedText(arg, i) ? `${TEXT_MARK}${arg}` : arg));
}

function unmarked(word: string): string {
  return word.startsWith(TEXT_MARK) ? word.slice(TEXT_MARK.length) : word;
}

/**
 * True when `feelbot <command> …` asks for the command's usage: a help flag before any `--`, or,
 * for a command whose arguments are not free text, the one word `help`.
 */
export function asksForHelp(command: Command, args: readonly string[]): boolean {
  if (beforeEndOfOptions(args).some((arg) => HELP_FLAGS.includes(arg))) return true;
  return !command.takesText && args.length === 1 && args[0] === 'help';
}

/**
 * `args` read strictly against what a command declares: an option it does not declare, an
 * option's missing value, or a word more than it takes throws an ERR_PARSE_ARGS_ error naming it.
 */
export function parseCommandArguments<const O extends ParseArgsOptionsConfig = Record<never, never>>(args: readonly string[], declared: CommandArguments<O>) {
  const maxPositionals = declared.maxPositionals ?? 0;
  const freeText = isFreeText(declared);
  let parsed;
  try {
    parsed = parseArgs({ args: freeText ? markDashedText(args) : [...args], options: declared.options ?? ({} as O), allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' advice to put a dashed word after `--` is for free text; models takes only `pull`.
    if (!freeText && (error as { code?: unknown }).code === UNKNOWN_OPTION) {
      throw new ArgumentError(UNKNOWN_OPTION, (error as Error).message.split('. ')[0]!);
    }
    throw error;
  }
  if (freeText) parsed = { ...parsed, positionals: parsed.positionals.map(unmarked) };
  const extra = parsed.positionals.slice(maxPositionals);
  if (extra.length > 0) {
    const takes = maxPositionals === 0 ? 'no words' : `at most ${maxPositionals} ${maxPositionals === 1 ? 'word' : 'words'}`;
    throw new ArgumentError(UNEXPECTED_POSITIONAL, `Unexpected argument '${extra[0]}': this command takes ${takes}`);
  }
  return parsed;
}

/**
 * Refuses what `command` does not declare before it starts anything (no Redis connection, no model
 * load, no download): USAGE_INVALID, naming the argument, with the command's usage.
 */
export function checkCommandArguments(command: Command, args: readonly string[]): void {
  try {
    parseCommandArguments(args, command.accepts ?? {});
  } catch (error) {
    throw asUsageError(error, command);
  }
}
