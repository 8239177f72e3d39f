import { describe, expect, it } from 'vitest';
import { FREE_TEXT, parseCommandArguments } from '../../src/cli/command-arguments.js';

function codeOf(args: readonly string[]): unknown {
  try {
    parseCommandArguments(args, FREE_TEXT);
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return undefined;
}

describe('free-text arguments (analyze)', () => {
  it('reads a word that starts with a dash but names no option as text, in its place', () => {
    const cases: Array<readonly string[]> = [
      ['-_- ugh mondays again'],
      ['- i am so happy today'],
      ['-5 degrees and the heating broke'],
      ['-_-', 'ugh'],
      ['ugh', '-5', 'degrees'],
      ['--5'],
      ['-', 'yes'],
      ['--json=a b'],
    ];
    for (const args of cases) expect(parseCommandArguments(args, FREE_TEXT).positionals, args.join(' ')).toEqual(args);
  });

  it('refuses a word that names an option (-x, --json, --json=1) anywhere before --, and after -- reads it as text', () => {
    for (const args of [['-x', 'hi'], ['--json', 'hi'], ['hi', '--json'], ['--json=1'], ['-abc']]) {
      expect(codeOf(args), args.join(' ')).toBe('ERR_PARSE_ARGS_UNKNOWN_OPTION');
    }
    expect(parseCommandArguments(['--', '--json', '-_-', 'hi'], FREE_TEXT).positionals).toEqual(['--json', '-_-', 'hi']);
  });
});
