import { parseArgs } from 'node:util';
import type { Command } from './command.js';

/** The flags that ask for a command's usage. */
const HELP_FLAGS: readonly string[] = ['--help', '-h'];
/** Ends the options: what follows is text or a file name, even "--help". */
const END_OF_OPTIONS = '--';

function beforeEndOfOptions(args: readonly string[]): readonly string[] {
  const end = args.indexOf(END_OF_OPTIONS);
  return end < 0 ? args : args.slice(0, end);
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
 * A free-text command's text: its arguments joined, without the first `--`. An argument before it
 * that looks like an option (`-x`, `--json`) is a usage mistake, not text: parseArgs rejects it
 * with an ERR_PARSE_ARGS_ code, which main reports as USAGE_INVALID with the command's usage.
 */
export function textOf(args: readonly string[]): string {
  const { positionals } = parseArgs({ args: [...args], options: {}, allowPositionals: true, strict: true });
  return positionals.join(' ').trim();
}
