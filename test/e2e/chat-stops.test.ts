import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { closedPort } from '../support/closed-port.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess, withoutFeelbotEnv } from '../support/feelbot-process.js';
import { longRepliesPersonaFile, SHIPPED_EMOTION_MODEL, slowModelPath } from '../support/fixtures.js';
import { startModelHost, type ModelHost } from '../support/model-host.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { TERMINAL_DRIVER_PRELUDE } from '../support/terminal-driver.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** A stop ends the chat within this; the forced exit, 30 s after the signal, exits 1. */
const STOPS_WITHIN_MS = 5_000;

/**
 * Runs argv in a pseudo-terminal, as a person does: waits for the prompt, types a line, presses
 * Ctrl-C while the reply is being written, and reports how long the process took to end.
 */
const TERMINAL_DRIVER = String.raw`${TERMINAL_DRIVER_PRELUDE}
ready = pump(120, lambda: b'you> ' in out)
os.write(fd, b'I got the job, I am so happy!\r')
pump(3)
os.write(fd, b'\x03')
exit_code, exited_after = await_exit(90)
print(json.dumps({'ready': ready, 'exitedAfterMs': exited_after, 'exitCode': exit_code, 'output': out.decode(errors='replace')[-2000:]}))
`;

describe('ending `feelbot chat`', () => {
  let redis: PrivateRedis;
  let host: ModelHost;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    // A slow 64 MB "reply model": the first `feelbot chat` downloads it, as it would Gemma's 1.7 GB.
    host = await startModelHost(Buffer.alloc(64 * 1024 * 1024, 7), { kind: 'paced', bytes: 128 * 1024, everyMs: 50 }, 'slow.Q4_K_M.gguf');
  });
  afterAll(async () => {
    await host?.close();
    await redis?.stop();
  });

  it('an option it does not know is a usage mistake (USAGE_INVALID, exit 2), not a session started without it', async () => {
    for (const args of [['--no-such-option'], ['hello']]) {
      const chat = new FeelbotProcess(['chat', ...args], { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
      const code = await exitWithin(chat, 30_000);
      expect(chat.output.join('\n'), args.join(' ')).toContain('USAGE_INVALID');
      expect(code, chat.output.join('\n')).toBe(2);
    }
  }, 60_000);

  it('Ctrl-C while it downloads its model on first use cancels the download, keeping the partial file, and exits 0 at once', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-chat-int-'));
    const listing = () => {
      try {
        return readdirSync(join(modelsDir, 'llm'));
      } catch {
        return [];
      }
    };
    try {
      const chat = new FeelbotProcess(['chat'], {
        REDIS_URL: redis.url,
        QUEUE_PREFIX: '{chat-download}',
        EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
        LLM_MODEL: host.url,
        LLM_GPU: 'cpu',
        MODELS_DIR: modelsDir,
        LOG_LEVEL: 'info',
      });
      const since = Date.now();
      while (!listing().some((name) => name.endsWith('.ipull'))) {
        if (Date.now() - since > 30_000) throw new Error(`no download started:\n${chat.output.slice(-20).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      process.kill(chat.pid!, 'SIGINT');
      expect(await exitWithin(chat, STOPS_WITHIN_MS), chat.output.slice(-10).join('\n')).toBe(0);
      expect(chat.logs.some((line) => line.code === 'INTERRUPTED' && /^Stopped before .*slow\.Q4_K_M\.gguf finished downloading/.test(line.msg ?? ''))).toBe(true);
      expect(listing()).toEqual(['slow.Q4_K_M.gguf.ipull']);
    } finally {
      rmSync(modelsDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('Ctrl-C typed in a terminal while a reply is being written ends the session at once, exit 0, and leaves no job of it in the queue', async () => {
    const prefix = '{chat-tty}';
    const env = {
      ...withoutFeelbotEnv(process.env),
      FEELBOT_ENV_FILE: '',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
      LLM_MODEL: slowModelPath(),
      PERSONAS_FILE: longRepliesPersonaFile(1_000),
      LLM_GPU: 'cpu',
      LOG_LEVEL: 'warn',
    };
    const argv = [process.execPath, '--import', 'tsx', CLI, 'chat'];
    const run = spawnSync('python3', ['-c', TERMINAL_DRIVER, JSON.stringify(argv)], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    const result = JSON.parse(run.stdout) as { ready: boolean; exitedAfterMs: number | null; exitCode: number | null; output: string };
    expect(result.ready, result.output).toBe(true);
    // Piped input stops within a second or two at SIGINT; a terminal's Ctrl-C must do no worse.
    expect(result.exitedAfterMs, result.output).not.toBeNull();
    expect(result.exitedAfterMs!, result.output).toBeLessThan(STOPS_WITHIN_MS);
    expect(result.exitCode, result.output).toBe(0);
    // The reply no one waits for any more is not left in Redis: the session's own queue, jobs and all, is gone.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    try {
      expect(await connection.keys(`${prefix}:${TERMINAL_QUEUE}*`)).toEqual([]);
    } finally {
      connection.disconnect();
    }
  }, 300_000);
});
