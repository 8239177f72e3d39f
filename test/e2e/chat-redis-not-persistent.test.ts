import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** The JSON lines a session logged to stderr (LOG_LEVEL=warn), as the gateway and worker log theirs. */
function loggedLines(chat: ChatProcess): Array<Record<string, unknown>> {
  return chat.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('`feelbot chat` on a Redis that would lose its data on a restart', () => {
  let withoutAof: PrivateRedis;
  let withAof: PrivateRedis;
  beforeAll(async () => {
    [withoutAof, withAof] = await Promise.all([startPrivateRedis(), startPrivateRedis({ appendOnly: true })]);
  });
  afterAll(async () => {
    await Promise.all([withoutAof?.stop(), withAof?.stop()]);
  });

  const session = (redis: PrivateRedis) =>
    new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, QUEUE_PREFIX: '{chat-aof}' });

  it('warns once at start-up with REDIS_NOT_PERSISTENT, as the gateway and worker do, and still answers', async () => {
    const chat = session(withoutAof);
    chat.write('I got the job, I am so happy!\n');
    chat.end();
    expect(await chat.exitWithin(90_000), chat.output).toBe(0);
    expect(chat.stdout, chat.output).toMatch(/^\(joy \d+%\) Joy: /m);
    expect(loggedLines(chat).filter((line) => line.code === 'REDIS_NOT_PERSISTENT'), chat.output).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/without AOF.*restart.*lose the messages queued.*appendonly yes/) }),
    ]);
  }, 120_000);

  it('says nothing of it when Redis keeps its data (appendonly yes)', async () => {
    const chat = session(withAof);
    chat.write('I got the job, I am so happy!\n');
    chat.end();
    expect(await chat.exitWithin(90_000), chat.output).toBe(0);
    expect(chat.stdout, chat.output).toMatch(/^\(joy \d+%\) Joy: /m);
    expect(loggedLines(chat).filter((line) => line.code === 'REDIS_NOT_PERSISTENT'), chat.output).toEqual([]);
  }, 120_000);
});
