import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withoutFeelbotEnv } from '../support/feelbot-process.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '' },
    encoding: 'utf8',
  });

/**
 * README: exit 2 on "a usage mistake (USAGE_INVALID: an unknown command, an option or a word the
 * command does not take; nothing starts)"; and USAGE_INVALID says "see `feelbot <command> --help`".
 */
describe('`feelbot help` with a word after it', () => {
  it('`feelbot help worker` shows the worker\'s usage, as `feelbot worker --help` does', () => {
    const asked = run('help', 'worker');
    const usage = run('worker', '--help');
    expect(usage.status).toBe(0);
    expect(asked.stdout).toBe(usage.stdout);
  }, 60_000);

  it('`feelbot help fly` (no such command) is a usage mistake, exit 2, naming the word, with the list on stderr', () => {
    const asked = run('help', 'fly');
    expect(asked.status).toBe(2);
    expect(asked.stdout).toBe('');
    expect(asked.stderr).toContain('Unknown command "fly"');
    expect(asked.stderr).toContain('Usage: feelbot <command>');
  }, 60_000);

  it('`feelbot help worker now` (a word more than help takes) is a usage mistake, exit 2', () => {
    const asked = run('help', 'worker', 'now');
    expect(asked.status).toBe(2);
    expect(asked.stdout).toBe('');
  }, 60_000);
});
