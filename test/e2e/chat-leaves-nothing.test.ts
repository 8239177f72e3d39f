import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { longRepliesPersonaFile, SHIPPED_EMOTION_MODEL, slowModelPath, tinyModelPath } from '../support/fixtures.js';
import { everythingUnder } from '../support/redis-contents.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const SECRET = 'my secret: I got the job, I am so happy!';

describe('a `feelbot chat` session that ends', () => {
  let redis: PrivateRedis;
  let connection: Redis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    connection = new Redis(redis.url);
  });
  afterAll(async () => {
    connection?.disconnect();
    await redis?.stop();
  });

  const session = (prefix: string, env: Record<string, string> = {}) =>
    new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, QUEUE_PREFIX: prefix, ...env });

  /** What the session left under its prefix: its queue, its reply stream, the delivery ledger's keys, its text anywhere. */
  async function leftBy(prefix: string): Promise<{ keys: string[]; text: boolean }> {
    const keys = (await connection.keys(`${prefix}*`)).filter((key) => /:terminal|:answered:|:post-noted:|:post-begun:|:post-attempt:/.test(key)).sort();
    return { keys, text: (await everythingUnder(connection, prefix)).includes('my secret') };
  }

  it('at the end of its input (Ctrl-D, a pipe) leaves none of its keys and none of its text in Redis', async () => {
    const chat = session('{ends-eof}');
    chat.write(`${SECRET}\n${SECRET} again\n`);
    chat.end();
    expect(await chat.exitWithin(60_000), chat.output).toBe(0);
    expect(chat.stdout.match(/^\(joy \d+%\) Joy: /gm), chat.output).toHaveLength(2);
    expect(await leftBy('{ends-eof}')).toEqual({ keys: [], text: false });
  }, 90_000);

  it('at a stop signal (Ctrl-C, SIGTERM) after a reply leaves none of its keys and none of its text in Redis', async () => {
    const chat = session('{ends-signal}');
    chat.write(`${SECRET}\n`);
    expect(await chat.waitFor(() => /^\(joy \d+%\) Joy: /.test(chat.stdout), 60_000), chat.output).toBe(true);
    process.kill(chat.pid!, 'SIGINT');
    expect(await chat.exitWithin(30_000), chat.output).toBe(0);
    expect(await leftBy('{ends-signal}')).toEqual({ keys: [], text: false });
  }, 90_000);

  it('at a stop signal while a reply is being written leaves neither that job nor anything else of it in Redis', async () => {
    // A slow model writing long replies: the job is still being worked on when the signal comes.
    const chat = session('{ends-writing}', { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(1_000) });
    chat.write(`${SECRET}\n`);
    const active = async () => {
      const [key] = await connection.keys('{ends-writing}:terminal-replies-*:active');
      return key ? connection.llen(key) : 0;
    };
    await expect.poll(active, { timeout: 60_000, interval: 50 }).toBe(1);
    process.kill(chat.pid!, 'SIGINT');
    expect(await chat.exitWithin(30_000), chat.output).toBe(0);
    expect(chat.stdout, chat.output).not.toMatch(/Joy: /);
    expect(await leftBy('{ends-writing}')).toEqual({ keys: [], text: false });
  }, 120_000);
});
