import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withoutFeelbotEnv } from './feelbot-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface FeelbotRun {
  /** The exit code, or 'still running' when it had not exited within the time given or before `stop` aborted (it is then killed). */
  readonly code: number | null | 'still running';
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `feelbot <args>` from the TypeScript sources to its end, keeping stdout and stderr apart;
 * `stop` ends it early, once the test has seen what it did is already wrong.
 */
export function runFeelbot(args: readonly string[], env: Record<string, string>, withinMs: number, stop?: AbortSignal): Promise<FeelbotRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '', ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let killed = false;
  const kill = (): void => {
    killed = true;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(kill, withinMs);
  stop?.addEventListener('abort', kill, { once: true });
  // 'close', not 'exit': only then has all of its output been read.
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', kill);
      resolve({ code: killed ? 'still running' : code, stdout, stderr });
    }),
  );
}
