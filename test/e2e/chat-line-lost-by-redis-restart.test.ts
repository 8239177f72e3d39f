import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { longRepliesPersonaFile, SHIPPED_EMOTION_MODEL, slowModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const PREFIX = '{vanished}';

describe('`feelbot chat` when Redis restarts without its data while a reply is being written', () => {
  let redis: PrivateRedis | undefined;
  let connection: Redis | undefined;
  let chat: ChatProcess | undefined;
  afterEach(async () => {
    if (chat) await chat.exitWithin(1);
    connection?.disconnect();
    await redis?.stop();
    chat = redis = connection = undefined;
  });

  it('the line is reported lost by Redis within seconds, not after the whole reply wait', async () => {
    // No AOF: a restart empties Redis, the line's job with it.
    redis = await startPrivateRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    // LLM_TIMEOUT_MS 20 s makes the whole reply wait 4 × (20 + 15) + 14 = 154 s; with the default 60 s it is 314 s.
    chat = new ChatProcess({
      EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
      LLM_MODEL: slowModelPath(),
      LLM_GPU: 'cpu',
      PERSONAS_FILE: longRepliesPersonaFile(1_000),
      LLM_TIMEOUT_MS: '20000',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: PREFIX,
    });
    chat.write('I got the job, I am so happy!\n');
    const active = async () => {
      const [key] = await connection!.keys(`${PREFIX}:terminal-replies-*:active`);
      return key ? connection!.llen(key) : 0;
    };
    await expect.poll(active, { timeout: 60_000, interval: 50 }).toBe(1);

    await redis.restart();
    // Within the LLM timeout at most: the session's own worker sees the job gone within seconds (JOB_LOST).
    expect(await chat.waitFor(() => chat!.turns === 1, 40_000), chat.output).toBe(true);
    expect(chat.stdout, chat.output).toMatch(/^\(reply lost: Redis lost the line\b.*again/m);
  }, 120_000);
});
