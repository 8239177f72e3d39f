import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { TERMINAL_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { withoutFeelbotEnv } from '../support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { usePrivateRedis } from '../support/redis-server.js';
import { TERMINAL_DRIVER_PRELUDE } from '../support/terminal-driver.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

const PASTED = ['I got the job!', 'I am so happy today,', 'this is the best day of my life.'];
const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';
/** What the session prints for a turn, whatever its outcome: a reply, or why there was none. */
const TURN = /\((?:[a-z]+ \d+%\) [^:\r\n]+: |no reply: |reply lost: |not sent: )/g;

/**
 * Runs argv in a pseudo-terminal as a person does: waits for the prompt, pastes three lines the
 * way a terminal in bracketed-paste mode sends them, presses Enter, waits for the turn's answer
 * (and 2 s more, for any other turn), says REPLIED and waits for "go" on its stdin, then ends the
 * session the way argv[2] says and reports the terminal's output.
 */
const TERMINAL_DRIVER = String.raw`${TERMINAL_DRIVER_PRELUDE}
pasted = json.loads(sys.argv[2])
ending = sys.argv[3]
ready = pump(120, lambda: b'you> ' in out)
os.write(fd, b'\x1b[200~' + '\r'.join(pasted).encode() + b'\x1b[201~')
pump(0.5)
os.write(fd, b'\r')
answered = pump(120, lambda: out.count(b'you> ') >= 2)
pump(2)
print('REPLIED', flush=True)
sys.stdin.readline()
if ending == 'ctrl-d': os.write(fd, b'\x04')
elif ending == 'ctrl-c': os.write(fd, b'\x03')
else: os.kill(pid, signal.SIGTERM)
exit_code, _ = await_exit(60)
print(json.dumps({'ready': ready, 'answered': answered, 'exitCode': exit_code, 'output': out.decode(errors='replace')}))
`;

interface DriverReport {
  readonly ready: boolean;
  readonly answered: boolean;
  readonly exitCode: number | null;
  readonly output: string;
}

describe('pasting several lines into `feelbot chat` in a terminal', () => {
  const privateRedis = usePrivateRedis();

  /** The text of every job the session's queue holds, whatever its state. */
  async function queuedTexts(prefix: string): Promise<string[]> {
    const [meta] = await privateRedis.connection.keys(`${prefix}:${TERMINAL_QUEUE}-*:meta`);
    if (!meta) return [];
    const queue = new Queue(meta.slice(prefix.length + 1, -':meta'.length), { connection: privateRedis.connection, prefix });
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
      return jobs.map((job) => (job.data as { content: string }).content);
    } finally {
      await queue.close();
    }
  }

  it.each(['ctrl-d', 'ctrl-c', 'sigterm'])(
    'is one message, sent by the Enter after the paste, and the terminal leaves bracketed-paste mode at the end (%s)',
    async (ending) => {
      const prefix = `{chat-paste-${ending}}`;
      const env = {
        ...withoutFeelbotEnv(process.env),
        FEELBOT_ENV_FILE: '',
        REDIS_URL: privateRedis.server.url,
        QUEUE_PREFIX: prefix,
        EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
        LLM_MODEL: tinyModelPath(),
        LLM_GPU: 'cpu',
        LOG_LEVEL: 'warn',
      };
      const argv = [process.execPath, '--import', 'tsx', CLI, 'chat'];
      const driver = spawn('python3', ['-c', TERMINAL_DRIVER, JSON.stringify(argv), JSON.stringify(PASTED), ending], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      driver.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      driver.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<void>((resolve) => driver.once('close', () => resolve()));
      try {
        await expect.poll(() => stdout.includes('REPLIED\n') || driver.exitCode !== null, { timeout: 250_000, interval: 100 }).toBe(true);
        expect(stdout, stderr).toContain('REPLIED\n');
        // The session's queue holds one job for the paste: its three lines, newlines kept.
        expect(await queuedTexts(prefix), stderr).toEqual([PASTED.join('\n')]);
      } finally {
        driver.stdin.end('go\n');
        await exited;
      }
      const report = JSON.parse(stdout.slice(stdout.indexOf('REPLIED\n') + 'REPLIED\n'.length)) as DriverReport;
      expect(report.ready, report.output).toBe(true);
      expect(report.answered, report.output).toBe(true);
      expect(report.output.match(TURN), report.output).toHaveLength(1);
      expect(report.exitCode, report.output).toBe(0);
      // Bracketed paste is on while the session reads, and off once it has ended, whatever ended it.
      expect(report.output, report.output).toContain(BRACKETED_PASTE_ON);
      expect(report.output.lastIndexOf(BRACKETED_PASTE_OFF), report.output).toBeGreaterThan(report.output.lastIndexOf(BRACKETED_PASTE_ON));
      expect(report.output.lastIndexOf(BRACKETED_PASTE_OFF), report.output).toBeGreaterThan(report.output.search(TURN));
    },
    300_000,
  );
});
