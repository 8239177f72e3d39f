import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withoutFeelbotEnv } from './feelbot-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** A turn the session reported on a line of its own: a reply, a silence, a loss or a refusal. */
const TURN = /^\((?:[a-z]+ \d+%\) [^:\n]+: |no reply: |reply lost: |not sent: )/gm;

export interface ChatProcessOptions {
  /** A command and its arguments that start node in their place, as `setpriv …` does under another uid. Defaults to none: node starts directly. */
  readonly prefix?: readonly string[];
}

/** A real `feelbot chat` with piped stdin and stdout, as a script (or a pipe) talks to it. */
export class ChatProcess {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>, { prefix = [] }: ChatProcessOptions = {}) {
    const [command = process.execPath, ...args] = [...prefix, process.execPath, '--import', 'tsx', CLI, 'chat'];
    this.child = spawn(command, args, {
      cwd: ROOT,
      env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '', LOG_LEVEL: 'warn', ...env, FORCE_COLOR: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    // 'close', not 'exit': only then has all of the process's output been read.
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  write(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Ends the input, as Ctrl-D or the end of a pipe does. */
  end(): void {
    this.child.stdin!.end();
  }

  /** Whether `predicate` held before `timeoutMs` passed or the process exited. */
  async waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const since = Date.now();
    while (Date.now() - since < timeoutMs) {
      if (predicate()) return true;
      if (this.child.exitCode !== null || this.child.signalCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return predicate();
  }

  /** Stops reading its output, as `feelbot chat < lines | head -n 1` does once head has its line: its next write meets EPIPE. */
  closeOutput(): void {
    this.child.stdout!.destroy();
  }

  /** The exit code, or 'still running' (then killed) when it has not exited within `ms`. */
  async exitWithin(ms: number): Promise<number | null | 'still running'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
    const exited = await Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
    if (exited === 'still running') this.child.kill('SIGKILL');
    return exited;
  }

  /** How many turns (replies, silences, losses and refusals) it has reported so far. */
  get turns(): number {
    return (this.stdout.match(TURN) ?? []).length;
  }

  /** The end of both outputs, for a failed assertion's message. */
  get output(): string {
    return `--stdout--\n${this.stdout.slice(-3_000)}\n--stderr--\n${this.stderr.slice(-3_000)}`;
  }
}
