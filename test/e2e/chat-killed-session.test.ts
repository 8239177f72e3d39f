import { describe, expect, it } from 'vitest';
import { TERMINAL_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { everythingUnder } from '../support/redis-contents.js';
import { usePrivateRedis } from '../support/redis-server.js';

const PREFIX = '{chat-killed}';
const KILLED_SECRET = 'my secret: I got the job, I am so happy!';
const LIVE_SECRET = 'the live one: I got the job, I am so happy!';

describe('a `feelbot chat` session killed before it could clean up (SIGKILL, a crash)', () => {
  const privateRedis = usePrivateRedis();

  const session = () => new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: privateRedis.server.url, QUEUE_PREFIX: PREFIX });

  /** The ids of the sessions whose queues are in Redis. */
  async function sessionIds(): Promise<string[]> {
    const metas = await privateRedis.connection.keys(`${PREFIX}:${TERMINAL_QUEUE}-*:meta`);
    return metas.map((key) => key.slice(`${PREFIX}:${TERMINAL_QUEUE}-`.length, -':meta'.length)).sort();
  }
  const keysOf = async (sessionId: string) => (await privateRedis.connection.keys(`${PREFIX}:*`)).filter((key) => key.includes(sessionId)).sort();

  it("is removed from Redis by the next session to start, queue, typed text and replies, once its heartbeat has lapsed; a live session's stay", async () => {
    const killed = session();
    killed.write(`${KILLED_SECRET}\n`);
    expect(await killed.waitFor(() => killed.turns === 1, 90_000), killed.output).toBe(true);
    const [killedId] = await sessionIds();
    expect(killedId, killed.output).toBeDefined();

    const live = session();
    let later: ChatProcess | undefined;
    try {
      live.write(`${LIVE_SECRET}\n`);
      expect(await live.waitFor(() => live.turns === 1, 90_000), live.output).toBe(true);
      const liveId = (await sessionIds()).find((id) => id !== killedId)!;
      expect(liveId, live.output).toBeDefined();
      // Its stalled-job check's key comes and goes on its own.
      const liveKeys = (await keysOf(liveId)).filter((key) => !key.endsWith(':stalled-check'));

      process.kill(killed.pid!, 'SIGKILL');
      expect(await killed.exitWithin(10_000)).toBeNull();
      // Nothing removed it: its queue (with the line typed) and its reply stream are there.
      expect((await keysOf(killedId!)).filter((key) => !key.includes(':terminal-alive:')), killed.output).toEqual(
        expect.arrayContaining([`${PREFIX}:${TERMINAL_QUEUE}-${killedId}:meta`, `${PREFIX}:terminal:${killedId}`]),
      );
      // No one refreshes its heartbeat any more: it lapses within its TTL (the live one's, refreshed, stays).
      await expect.poll(() => privateRedis.connection.exists(`${PREFIX}:terminal-alive:${killedId}`), { timeout: 45_000, interval: 500 }).toBe(0);

      // Started only now: a session removes what killed ones left as it starts.
      const fresh = session();
      later = fresh;
      fresh.write('hello\n');
      expect(await fresh.waitFor(() => fresh.turns === 1, 90_000), fresh.output).toBe(true);
      expect(await keysOf(killedId!), fresh.output).toEqual([]);
      expect(await everythingUnder(privateRedis.connection, PREFIX)).not.toContain('my secret');

      // The live session, older than a heartbeat's TTL by now, lost nothing and still answers.
      expect(await privateRedis.connection.exists(`${PREFIX}:terminal-alive:${liveId}`)).toBe(1);
      expect(await keysOf(liveId)).toEqual(expect.arrayContaining(liveKeys));
      expect(await everythingUnder(privateRedis.connection, PREFIX)).toContain('the live one');
      live.write('hello again\n');
      expect(await live.waitFor(() => live.turns === 2, 90_000), live.output).toBe(true);
    } finally {
      live.end();
      later?.end();
      expect(await live.exitWithin(30_000), live.output).toBe(0);
      if (later) expect(await later.exitWithin(30_000), later.output).toBe(0);
    }
  }, 300_000);
});
