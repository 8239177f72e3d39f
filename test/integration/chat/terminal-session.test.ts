import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { TERMINAL_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { TerminalReplier, terminalStreamKey } from '../../../src/adapters/redis/terminal-replier.js';
import { TerminalSession } from '../../../src/chat/terminal-session.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { MessageJobSchema } from '../../../src/jobs/message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler, type JobWorker } from '../../../src/worker/job-worker.js';
import { startPrivateRedis, usePrivateRedis } from '../../support/redis-server.js';
import { Redis } from 'ioredis';

describe('a terminal chat session (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();
  let prefix: string;
  let queue: MessageQueue;
  let events: QueueEvents;
  let worker: JobWorker;
  let releaseHung: () => void;

  /** "fail" fails for good, "hang" is answered only once released; anything else gets "reply to <text>". */
  const handler = (replier: TerminalReplier, hung: Promise<void>): JobHandler => async (data) => {
    const job = MessageJobSchema.parse(data);
    if (job.content === 'fail') throw new FeelbotError(ErrorCodes.JobInvalid, 'this job cannot work', { permanent: true });
    if (job.content === 'hang') await hung;
    const target = { origin: 'terminal' as const, guildId: null, channelId: job.channelId };
    const posted = await replier.post({ target, persona: DEFAULT_PERSONAS.joy, content: `reply to ${job.content}`, detected: { emotion: 'joy', confidence: 0.9 } });
    return { status: 'posted', emotion: 'joy', persona: 'joy', replyId: posted.messageId };
  };

  beforeEach(async () => {
    prefix = `{chat-${randomUUID().slice(0, 8)}}`;
    queue = new MessageQueue(redis.connection, prefix, TERMINAL_QUEUE);
    events = new QueueEvents(TERMINAL_QUEUE, { connection: redis.connection.duplicate(), prefix });
    await events.waitUntilReady();
    const hung = new Promise<void>((resolve) => (releaseHung = resolve));
    worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: handler(new TerminalReplier(redis.connection, prefix), hung) }, {
      concurrency: 2,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      queueName: TERMINAL_QUEUE,
    });
  });

  afterEach(async () => {
    releaseHung();
    await worker.stop(1_000);
    await events.close();
    await queue.close();
  });

  it('when a job fails for good, the reply is reported lost, the job is removed, and the session goes on', async () => {
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann');
    expect(await session.say('fail')).toEqual({ kind: 'lost', reason: 'JOB_INVALID: this job cannot work' });
    expect(await queue.queue.getJobCounts('failed', 'waiting', 'active', 'delayed')).toMatchObject({ failed: 0, waiting: 0, active: 0, delayed: 0 });
    const next = await session.say('hello');
    expect(next).toMatchObject({ kind: 'reply', reply: { content: 'reply to hello' } });
  });

  it('when a reply outlasts the wait, it is reported lost, and its late reply is never shown for a later message', async () => {
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann', 500);
    expect(await session.say('hang')).toMatchObject({ kind: 'lost' });
    releaseHung();
    const key = terminalStreamKey(prefix, session.sessionId);
    await expect.poll(() => redis.connection.xlen(key), { timeout: 10_000 }).toBe(1);
    expect(await session.say('hello')).toMatchObject({ kind: 'reply', reply: { content: 'reply to hello' } });
  });

  it('refuses a line over 4,000 characters with INPUT_INVALID, queues nothing, and answers the next line', async () => {
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann');
    const refused = await session.say('a'.repeat(4_001));
    expect(refused).toMatchObject({ kind: 'refused', code: ErrorCodes.InputInvalid });
    expect(refused.kind === 'refused' && refused.reason).toMatch(/4,001 characters.*at most 4,000/);
    expect(await queue.queue.getJobCountByTypes('completed', 'failed', 'waiting', 'active', 'delayed')).toBe(0);
    expect(await session.say('hi')).toMatchObject({ kind: 'reply', reply: { content: 'reply to hi' } });
  });

  it('a line of exactly 4,000 characters is answered, and its reply, longer than a context entry may be, does not break the next turn', async () => {
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann');
    // The stub's reply is "reply to " plus the line: 4,009 characters, over the 4,000 a context entry holds.
    expect(await session.say('a'.repeat(4_000))).toMatchObject({ kind: 'reply', reply: { content: `reply to ${'a'.repeat(4_000)}` } });
    expect(await session.say('hi')).toMatchObject({ kind: 'reply', reply: { content: 'reply to hi' } });
  });

  it('when the job cannot even be queued, the line is refused as not sent (REDIS_UNAVAILABLE) instead of throwing', async () => {
    const connection = redis.connection.duplicate();
    const unreachable = new Queue(TERMINAL_QUEUE, { connection, prefix });
    await unreachable.waitUntilReady();
    connection.disconnect();
    try {
      const session = new TerminalSession(unreachable, events, redis.connection, prefix, 'Ann');
      expect(await session.say('hello')).toMatchObject({ kind: 'refused', code: ErrorCodes.RedisUnavailable, reason: expect.stringMatching(/closed/i) });
    } finally {
      await unreachable.close().catch(() => undefined);
    }
  });

  it('while Redis is down, the line is refused as not sent (REDIS_UNAVAILABLE) instead of hanging', async () => {
    // A connection as chat's own: it queues commands while Redis is away and retries for ever.
    const down = await startPrivateRedis();
    const connection = new Redis(down.url, { maxRetriesPerRequest: null });
    const stranded = new Queue(TERMINAL_QUEUE, { connection, prefix });
    await stranded.waitUntilReady();
    await down.crash();
    try {
      const session = new TerminalSession(stranded, events, connection, prefix, 'Ann', 1_000);
      expect(await session.say('hello')).toMatchObject({ kind: 'refused', code: ErrorCodes.RedisUnavailable, reason: expect.stringMatching(/^Redis (is not reachable|did not take the line)/) });
    } finally {
      connection.disconnect();
      await stranded.close().catch(() => undefined);
      await down.stop().catch(() => undefined);
    }
  }, 20_000);

  it('shows the reply posted for its own message, not whatever entry comes next in the stream', async () => {
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann');
    // A reply of an earlier message that the session gave up on, arriving late.
    await redis.connection.xadd(terminalStreamKey(prefix, session.sessionId), '*', 'persona', 'Joy', 'emotion', 'joy', 'confidence', '0.9', 'content', 'a stale reply');
    expect(await session.say('hello')).toMatchObject({ kind: 'reply', reply: { content: 'reply to hello' } });
  });
});
