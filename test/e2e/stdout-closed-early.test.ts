import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withoutFeelbotEnv } from '../support/feelbot-process.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** What a shell reports for a process SIGPIPE ended: `feelbot analyze … | true` under `set -o pipefail`. */
const BROKEN_PIPE_EXIT = 128 + constants.signals.SIGPIPE;

/** Runs `feelbot <args>` with stdout a pipe whose reader is gone before the model has loaded, as `| true` leaves it. */
function runWithReaderGone(args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '', EMOTION_MODEL: SHIPPED_EMOTION_MODEL, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('a feelbot command whose stdout reader left before its output was written', () => {
  it.each([
    ['analyze', () => ['analyze', 'i am happy']],
    [
      'eval',
      () => {
        const file = `${GENERATED_DIR}stdout-closed-early-eval.txt`;
        writeFileSync(file, 'i am so happy today;joy\ni am terrified of the dark;fear\n');
        return ['eval', file];
      },
    ],
  ])('%s ends quietly with 128 + SIGPIPE, printing no stack trace and no "unexpected failure"', async (_, args) => {
    const run = await runWithReaderGone(args());
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.stderr).not.toContain('EPIPE');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: BROKEN_PIPE_EXIT, signal: null });
  });
});
