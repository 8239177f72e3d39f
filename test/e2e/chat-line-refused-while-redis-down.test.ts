import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const PREFIX = '{refused}';
const LINE = 'a line typed while Redis is down: I am so happy!';

describe('`feelbot chat` while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let connection: Redis | undefined;
  let chat: ChatProcess | undefined;
  afterEach(async () => {
    if (chat) await chat.exitWithin(1);
    connection?.disconnect();
    await redis?.stop();
    chat = redis = connection = undefined;
  });

  /** The text of every job of the session's queue, whatever its state. */
  async function queuedTexts(): Promise<string[]> {
    const [meta] = await connection!.keys(`${PREFIX}:${TERMINAL_QUEUE}-*:meta`);
    const queue = new Queue(meta!.slice(PREFIX.length + 1, -':meta'.length), { connection: connection!, prefix: PREFIX });
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
      return jobs.map((job) => (job.data as { content: string }).content);
    } finally {
      await queue.close();
    }
  }

  it('a line Redis did not take is reported as not sent, and is neither queued nor answered once Redis is back', async () => {
    // AOF: whatever Redis was given before the crash is still there after it.
    redis = await startPrivateRedis({ appendOnly: true });
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    chat = new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, QUEUE_PREFIX: PREFIX });
    chat.write('I got the job, I am so happy!\n');
    expect(await chat.waitFor(() => chat!.turns === 1, 60_000), chat.output).toBe(true);

    await redis.crash();
    chat.write(`${LINE}\n`);
    expect(await chat.waitFor(() => chat!.turns === 2, 60_000), chat.output).toBe(true);
    await redis.revive();
    // Time for the session's connection to come back and its worker to run whatever Redis was given.
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    expect(await queuedTexts(), chat.output).not.toContain(LINE);
    const report = chat.stdout.split('\n').filter((line) => line.startsWith('(')).at(1);
    expect(report, chat.output).toMatch(/^\(not sent: .*Redis.*type (it|the line) again.*\(REDIS_UNAVAILABLE\)\)$/);

    // Typed again, it is answered once: nothing of the first try waits ahead of it or answers it twice.
    chat.write(`${LINE}\n`);
    expect(await chat.waitFor(() => chat!.turns === 3, 60_000), chat.output).toBe(true);
    expect(chat.stdout.split('\n').filter((line) => line.startsWith('(')).at(2), chat.output).toMatch(/^\([a-z]+ \d+%\) [^:]+: /);
    expect((await queuedTexts()).filter((text) => text === LINE), chat.output).toHaveLength(1);
  }, 180_000);
});
