import { constants } from 'node:os';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { everythingUnder } from '../support/redis-contents.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** What a shell reports for a process SIGPIPE ended, as `feelbot analyze … | true` exits too. */
const BROKEN_PIPE_EXIT = 128 + constants.signals.SIGPIPE;
const SECRET = 'my secret: I am so happy about the baby!';

describe('a `feelbot chat` session that ends without Ctrl-D or Ctrl-C', () => {
  let redis: PrivateRedis | undefined;
  let connection: Redis | undefined;
  let chat: ChatProcess | undefined;
  afterEach(async () => {
    await chat?.exitWithin(1);
    connection?.disconnect();
    await redis?.stop();
    chat = connection = redis = undefined;
  });

  /** A session under `prefix` that has answered SECRET, and a connection to its Redis. */
  async function answeredSession(prefix: string): Promise<{ chat: ChatProcess; connection: Redis }> {
    redis = await startPrivateRedis();
    connection = new Redis(redis.url);
    const session = new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    chat = session;
    session.write(`${SECRET}\n`);
    expect(await session.waitFor(() => /^\(joy \d+%\) Joy: /m.test(session.stdout), 60_000), session.output).toBe(true);
    return { chat: session, connection };
  }

  it('on SIGHUP (a closed terminal window, a dropped SSH session) ends as at Ctrl-C, leaving none of its keys and none of its text in Redis', async () => {
    const PREFIX = '{hang-up}';
    const { chat, connection } = await answeredSession(PREFIX);
    process.kill(chat.pid!, 'SIGHUP');
    expect(await chat.exitWithin(30_000), chat.output).toBe(0);
    expect(await connection.keys(`${PREFIX}*`)).toEqual([]);
    expect(await everythingUnder(connection, PREFIX)).not.toContain('my secret');
  }, 120_000);

  it("whose output's reader leaves (`feelbot chat < lines | head -n 1`) ends as at the end of its input, leaving none of its keys and none of its text in Redis, and exits 128 + SIGPIPE", async () => {
    const PREFIX = '{reader-gone}';
    const { chat, connection } = await answeredSession(PREFIX);
    chat.closeOutput();
    // The reply to this line is the write that meets EPIPE.
    chat.write(`${SECRET} again\n`);
    expect(await chat.exitWithin(60_000), chat.output).toBe(BROKEN_PIPE_EXIT);
    expect(await connection.keys(`${PREFIX}*`)).toEqual([]);
    expect(await everythingUnder(connection, PREFIX)).not.toContain('my secret');
  }, 120_000);
});
