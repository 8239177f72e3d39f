import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { terminalQueueName } from '../../../src/adapters/bullmq/queue-names.js';
import { loadPersonas } from '../../../src/adapters/files/persona-file.js';
import { terminalStreamKey } from '../../../src/adapters/redis/terminal-replier.js';
import { TerminalSession } from '../../../src/chat/terminal-session.js';
import { createTerminalWorker } from '../../../src/chat/terminal-worker.js';
import { loadConfig, type Config } from '../../../src/config.js';
import type { PersonaSet } from '../../../src/domain/persona.js';
import { localSnowflake } from '../../../src/domain/snowflake.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createEngines, type Engines } from '../../../src/worker/create-engines.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { longRepliesPersonaFile, SHIPPED_EMOTION_MODEL, slowModelPath } from '../../support/fixtures.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * Long, so BullMQ's own renewal (at half of it) never comes while the reply is written: only the
 * run's check before the post can find the lock taken, which is the guard under test.
 */
const JOB_LOCK_MS = 120_000;
/** Tokens enough that the slow model writes for a few seconds, long after the test has taken the lock. */
const REPLY_TOKENS = 1_000;

describe("feelbot chat's worker posts nothing from a run that lost its job's lock (real Redis, BullMQ, llama.cpp and ONNX)", () => {
  const redis = usePrivateRedis();
  let config: Config;
  let personas: PersonaSet;
  let engines: Engines;

  beforeAll(async () => {
    config = loadConfig({
      REDIS_URL: redis.server.url,
      QUEUE_PREFIX: `{chat-lock-${randomUUID().slice(0, 8)}}`,
      JOB_LOCK_MS: String(JOB_LOCK_MS),
      EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
      LLM_MODEL: slowModelPath(),
      LLM_GPU: 'cpu',
      LLM_SEQUENCES: '1',
      PERSONAS_FILE: longRepliesPersonaFile(REPLY_TOKENS),
    });
    personas = await loadPersonas(config.personasFile);
    engines = await createEngines(config, capturedLogger().logger, NO_METRICS);
  });
  afterAll(async () => {
    await engines?.dispose();
  });

  it('when another worker takes the job while the reply is being written, the reply never reaches the session, and the run ends lost (JOB_LOST at warn)', async () => {
    const { prefix } = config.redis;
    const sessionId = localSnowflake();
    const queueName = terminalQueueName(sessionId);
    const queue = new MessageQueue(redis.connection, prefix, queueName);
    const events = new QueueEvents(queueName, { connection: redis.connection.duplicate(), prefix });
    await events.waitUntilReady();
    const seen = capturedLogger('debug');
    const worker = createTerminalWorker(redis.connection.duplicate(), config, personas, engines, seen.logger, queueName);
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann', JOB_LOCK_MS, sessionId);
    const ended = new AbortController();
    try {
      const turn = session.say('I got the job, I am so happy!', ended.signal);
      // The run has built its prompt and is in the generation: the slow model writes for seconds.
      await expect.poll(() => seen.lines.some((line) => line.msg === 'prompt'), { timeout: 60_000, interval: 20 }).toBe(true);
      const active = await queue.queue.getJobs(['active']);
      expect(active).toHaveLength(1);
      const job = active[0]!;
      // What another worker does once the lock lapsed (a stall past JOB_LOCK_MS): its token holds the lock now.
      await redis.connection.set(`${queue.queue.toKey(job.id!)}:lock`, 'another-worker');
      // Taken mid-reply, not after it: the generation had not ended yet.
      expect(seen.lines.some((line) => line.msg === 'generated')).toBe(false);

      const lostLines = () => seen.lines.filter((line) => line.code === 'JOB_LOST');
      // The run has ended, whichever way: a run that posted says JOB_LOST too, once BullMQ refuses to note its end.
      await expect.poll(() => lostLines().length, { timeout: 60_000 }).toBeGreaterThan(0);
      // The reply was written, and withheld: the session's stream has no entry of this run.
      expect(seen.lines.some((line) => line.msg === 'generated')).toBe(true);
      expect(await redis.connection.xlen(terminalStreamKey(prefix, sessionId))).toBe(0);
      expect(lostLines()).toEqual([
        expect.objectContaining({ level: 'warn', jobId: job.id, msg: expect.stringContaining('lost its job to another worker'), err: expect.objectContaining({ code: 'JOB_LOST' }) }),
      ]);
      // Left to the worker holding it now: neither completed nor failed by this run.
      expect(await job.getState()).toBe('active');
      expect(await redis.connection.get(`${queue.queue.toKey(job.id!)}:lock`)).toBe('another-worker');
      expect(seen.lines.filter((line) => line.level === 'error')).toEqual([]);
      ended.abort();
      expect(await turn).toMatchObject({ kind: 'lost' });
    } finally {
      ended.abort();
      await worker.stop(0);
      await events.close();
      await session.removeFromRedis().catch(() => undefined);
      await queue.close();
    }
  }, 180_000);
});
