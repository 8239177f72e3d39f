import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startModelHost, type ModelHost } from '../support/model-host.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

/**
 * 64 MB at 2.5 MB/s a connection: ipull saves its partial file after its first 5 MB chunk (about 2 s)
 * and is still downloading for 10 s more when the test stops it, as a 1.7 GB download on a slow link.
 */
const MODEL_BYTES = 64 * 1024 * 1024;
/** A stop signal ends a process within this; the forced exit, the old behaviour, comes after 30 s. */
const STOPS_WITHIN_MS = 5_000;
const TOKEN = 'hf_NotARealTokenButShapedLikeOne0123456789';

let host: ModelHost;
let discord: FakeDiscord;
let redis: PrivateRedis;
beforeAll(async () => {
  host = await startModelHost(Buffer.alloc(MODEL_BYTES, 7), { kind: 'paced', bytes: 128 * 1024, everyMs: 50 }, 'slow.Q4_K_M.gguf');
  discord = await startFakeDiscord();
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await host.close();
  await discord.close();
  await redis.stop();
});

/** Resolves once `started()` is true; fails with the process's output after 30 s. */
async function until(process: FeelbotProcess, started: () => boolean): Promise<void> {
  const since = Date.now();
  while (!started()) {
    if (Date.now() - since > 30_000) throw new Error(`no download started; output:\n${process.output.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The process has saved part of the file in `dir` (ipull writes its partial file after the first whole chunk). */
const savedPart = (dir: string) => () => listing(dir).some((name) => name.endsWith('.ipull'));

/** The host has been asked for part of the file since `since` requests: a download is under way. */
const askedForFile = (since: number) => () => host.requests.slice(since).some((request) => request.includes(' bytes='));

function listing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Sends `signal` and says how the process ended within STOPS_WITHIN_MS. */
async function stoppedBy(process: FeelbotProcess, signal: NodeJS.Signals): Promise<number | null | 'still running'> {
  globalThis.process.kill(process.pid!, signal);
  return exitWithin(process, STOPS_WITHIN_MS);
}

describe('a stop signal while the reply model downloads (Ctrl-C, docker stop)', () => {
  let modelsDir = '';
  afterEach(() => {
    if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
  });

  it('`feelbot models pull` stops at SIGINT with exit code 130 and INTERRUPTED, keeping the partial file for the next pull and no lock', async () => {
    modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-int-'));
    const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: host.url, MODELS_DIR: modelsDir });
    await until(pull, savedPart(join(modelsDir, 'llm')));
    expect(await stoppedBy(pull, 'SIGINT')).toBe(130);
    const output = pull.output.join('\n');
    expect(output).toMatch(/^feelbot: Stopped before .*slow\.Q4_K_M\.gguf finished downloading/m);
    expect(output).toContain('(INTERRUPTED)');
    expect(listing(join(modelsDir, 'llm'))).toEqual(['slow.Q4_K_M.gguf.ipull']);
  }, 60_000);

  it.each(['start', 'worker'])(
    '`feelbot %s` downloading its model on first start cancels the download at SIGTERM, keeping the partial file and no lock, and exits 0 as after any stop',
    async (command) => {
      modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-int-'));
      const env = stackEnv(discord, redis, `{int-${command}}`, { LLM_MODEL: host.url, MODELS_DIR: modelsDir, HTTP_PORT: '0' });
      const process = new FeelbotProcess([command], env);
      await until(process, savedPart(join(modelsDir, 'llm')));
      expect(await stoppedBy(process, 'SIGTERM')).toBe(0);
      // Said only once the download itself gave up on the signal: one the exit merely abandoned says nothing.
      const cancelled = process.logs.find((line) => line.code === 'INTERRUPTED' && /^Stopped before .*slow\.Q4_K_M\.gguf finished downloading/.test(line.msg ?? ''));
      expect(cancelled).toMatchObject({ level: 'info', signal: 'SIGTERM', modelsDir: join(modelsDir, 'llm') });
      expect(process.logs.some((line) => line.level === 'info' && /^stopped before/.test(line.msg ?? ''))).toBe(true);
      expect(listing(join(modelsDir, 'llm'))).toEqual(['slow.Q4_K_M.gguf.ipull']);
    },
    60_000,
  );

  it('`feelbot api` with EMOTION_BACKEND=llm, downloading its model at start, cancels the download at SIGTERM and exits 0', async () => {
    modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-int-'));
    const env = stackEnv(discord, redis, '{int-api}', { EMOTION_BACKEND: 'llm', LLM_MODEL: host.url, LLM_GPU: 'cpu', MODELS_DIR: modelsDir, HTTP_PORT: '0' });
    const api = new FeelbotProcess(['api'], env);
    await until(api, savedPart(join(modelsDir, 'llm')));
    expect(await stoppedBy(api, 'SIGTERM')).toBe(0);
    expect(api.logs.some((line) => line.code === 'INTERRUPTED' && /^Stopped before .*finished downloading/.test(line.msg ?? ''))).toBe(true);
    expect(listing(join(modelsDir, 'llm'))).toEqual(['slow.Q4_K_M.gguf.ipull']);
  }, 60_000);

  it('a command that does not watch for the signal (analyze, downloading the model its LLM classifier needs) ends at once with exit code 130', async () => {
    modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-int-'));
    const before = host.requests.length;
    const analyze = new FeelbotProcess(['analyze', 'I finally got the job!'], { EMOTION_BACKEND: 'llm', LLM_MODEL: host.url, LLM_GPU: 'cpu', MODELS_DIR: modelsDir });
    await until(analyze, askedForFile(before));
    expect(await stoppedBy(analyze, 'SIGINT')).toBe(130);
    expect(analyze.output.join('\n')).toContain('feelbot: feelbot analyze was stopped by SIGINT before it finished.\n(INTERRUPTED)');
  }, 60_000);
});

describe('a model host that refuses the download', () => {
  it('`feelbot models pull` says to check HF_TOKEN and accept the model terms, and never prints the token', async () => {
    const refusing = await startModelHost(Buffer.alloc(0), { kind: 'refuse', status: 401 }, 'gated.Q4_K_M.gguf');
    const modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-401-'));
    try {
      const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: refusing.url, MODELS_DIR: modelsDir, HF_TOKEN: TOKEN });
      expect(await exitWithin(pull, 30_000)).toBe(1);
      const output = pull.output.join('\n');
      expect(output).toContain('(MODEL_DOWNLOAD_FAILED)');
      expect(output).toContain('HF_TOKEN');
      expect(output).not.toContain('internet access');
      expect(output).not.toContain(TOKEN);
    } finally {
      await refusing.close();
      rmSync(modelsDir, { recursive: true, force: true });
    }
  }, 60_000);
});
