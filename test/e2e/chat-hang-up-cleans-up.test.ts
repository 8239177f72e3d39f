import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { everythingUnder } from '../support/redis-contents.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const SECRET = 'my secret: I am so happy about the baby!';
const PREFIX = '{hang-up}';

describe('a `feelbot chat` session whose terminal hangs up', () => {
  let redis: PrivateRedis | undefined;
  let connection: Redis | undefined;
  let chat: ChatProcess | undefined;
  afterEach(async () => {
    await chat?.exitWithin(1);
    connection?.disconnect();
    await redis?.stop();
    chat = connection = redis = undefined;
  });

  it('on SIGHUP (a closed terminal window, a dropped SSH session) ends as at Ctrl-C, leaving none of its keys and none of its text in Redis', async () => {
    redis = await startPrivateRedis();
    connection = new Redis(redis.url);
    chat = new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, QUEUE_PREFIX: PREFIX });
    chat.write(`${SECRET}\n`);
    expect(await chat.waitFor(() => /^\(joy \d+%\) Joy: /m.test(chat!.stdout), 60_000), chat.output).toBe(true);
    process.kill(chat.pid!, 'SIGHUP');
    expect(await chat.exitWithin(30_000), chat.output).toBe(0);
    expect(await connection.keys(`${PREFIX}*`)).toEqual([]);
    expect(await everythingUnder(connection, PREFIX)).not.toContain('my secret');
  }, 120_000);
});
