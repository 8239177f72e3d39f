import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface LogLine {
  readonly level?: string;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

/** A real `feelbot <command>` process, run from the TypeScript sources, with its JSON logs parsed. */
export class FeelbotProcess {
  readonly logs: LogLine[] = [];
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly args: readonly string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '', ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) this.take(line);
      });
      // A last line without a newline (a crash message) still counts.
      stream.on('end', () => {
        if (buffered) this.take(buffered);
        buffered = '';
      });
    }
    // 'close', not 'exit': only then has all of the process's output been read.
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the first log line that satisfies `predicate`; rejects on timeout or exit. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const found = this.logs.find(predicate);
        if (found) {
          clearInterval(timer);
          resolve(found);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() - started > timeoutMs) {
          // Exited, killed by a signal (a crash in native code, the OOM killer), or out of time.
          clearInterval(timer);
          const ended = this.child.signalCode ?? this.child.exitCode;
          reject(new Error(`no matching log line (exit ${ended}); output:\n${this.output.slice(-30).join('\n')}`));
        }
      }, 25);
    });
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  private take(line: string): void {
    this.output.push(line);
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object') this.logs.push(parsed as LogLine);
    } catch {
      // Not a log line (a progress bar, a plain error message).
    }
  }
}

/** The test's own settings only: nothing a developer exported for a real bot leaks into a test process. */
export function withoutFeelbotEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !/^(DISCORD_|REDIS_URL|QUEUE_PREFIX|EMOTION_|LLM_|MODELS_DIR|PERSONAS_FILE|AVATAR_BASE_URL|HTTP_|LOG_LEVEL|BURST_WINDOW_MS|CONTEXT_MESSAGES|JOB_LOCK_MS)/.test(key)) {
      keep[key] = value;
    }
  }
  return keep;
}
