import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { createDeletionHandler } from '../../../src/gateway/on-message-delete.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { messageJobId } from '../../../src/jobs/message-job.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { buildAnalysisJob, buildMessageJob, snowflake } from '../../factories.js';

/** Long enough that nothing leaves the delayed set during a test. */
const LONG_WINDOW_MS = 30_000;
/** What a hand edit, or another version's writer, left in the job's hash: no JSON, and text no one should keep. */
const NOT_JSON = '{"content":"my secret regret';

describe('a reply job whose stored data is not JSON, as the gateway reads it on an edit or a deletion (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();
  const opened: MessageQueue[] = [];
  afterEach(async () => {
    for (const queue of opened.splice(0)) await queue.close();
  });

  function newQueue() {
    const prefix = `{unreadable-reads-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
    const jobKey = (jobId: string) => `${prefix}:${REPLY_QUEUE}:${jobId}`;
    /** Overwrites one field of a stored job's hash, as a hand edit would. */
    const corrupt = (jobId: string, field: string, value: string) => redis.connection.hset(jobKey(jobId), field, value);
    const rawData = (jobId: string) => redis.connection.hget(jobKey(jobId), 'data');
    return { prefix, queue, bursts, corrupt, rawData };
  }

  it('an edit of its message finds no job waiting to revise, and leaves the job as it is', async () => {
    const { queue, bursts, corrupt, rawData } = newQueue();
    const message = buildMessageJob({ messageId: snowflake() });
    const { jobId } = (await queueInBurst(queue, bursts, message, async () => true))!;
    await corrupt(jobId, 'data', NOT_JSON);

    await expect(queue.revise(jobId, message.messageId, { content: 'I typed that wrong' })).resolves.toBeUndefined();
    expect(await rawData(jobId)).toBe(NOT_JSON);
    expect(await queue.queue.getJobState(jobId)).toBe('delayed');
  });

  it.each(['opts', 'progress'])('with its %s not JSON, an edit finds no job waiting to revise either', async (field) => {
    const { queue, bursts, corrupt } = newQueue();
    const message = buildMessageJob({ messageId: snowflake() });
    const { jobId } = (await queueInBurst(queue, bursts, message, async () => true))!;
    await corrupt(jobId, field, '{"attempts":');

    await expect(queue.revise(jobId, message.messageId, { content: 'I typed that wrong' })).resolves.toBeUndefined();
  });

  it('a deletion of its message withdraws it, with nothing left to answer, and its text leaves Redis', async () => {
    const { prefix, queue, bursts, corrupt } = newQueue();
    const message = buildMessageJob({ messageId: snowflake() });
    const { jobId } = (await queueInBurst(queue, bursts, message, async () => true))!;
    await corrupt(jobId, 'data', NOT_JSON);

    expect(await queue.withdraw([message.messageId])).toEqual([{ jobId, rest: undefined, burst: undefined }]);
    expect(await queue.queue.getJobState(jobId)).toBe('unknown');
    expect(await everythingUnder(redis.connection, prefix)).not.toContain('my secret regret');
  });

  it('a deletion of an earlier message of a burst withdraws the burst job that carries it', async () => {
    const { queue, bursts, corrupt } = newQueue();
    const author = { id: snowflake(), displayName: 'Alice' };
    const [first, second] = [buildMessageJob({ author, messageId: snowflake() }), buildMessageJob({ author, messageId: snowflake(), content: 'and more' })];
    await queueInBurst(queue, bursts, first, async () => true);
    const { jobId } = (await queueInBurst(queue, bursts, second, async () => true))!;
    expect(jobId).toBe(messageJobId(second.messageId));
    await corrupt(jobId, 'data', NOT_JSON);

    expect(await queue.withdraw([first.messageId])).toEqual([{ jobId, rest: undefined, burst: undefined }]);
    expect(await queue.queue.getJobState(jobId)).toBe('unknown');
  });

  it('the deletion handler withdraws it without logging an error', async () => {
    const { prefix, queue, bursts, corrupt } = newQueue();
    const { logger, lines } = capturedLogger('debug');
    const onDelete = createDeletionHandler({ deleted: new RedisDeletedMessages(redis.connection, prefix), queue, bursts, logger });
    const message = buildMessageJob({ messageId: snowflake() });
    const { jobId } = (await queueInBurst(queue, bursts, message, async () => true))!;
    await corrupt(jobId, 'data', NOT_JSON);

    await onDelete([message.messageId]);
    expect(lines.filter((line) => ['warn', 'error', 'fatal'].includes(line.level as string))).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'withdrew replies to deleted messages', withdrawn: [jobId] }));
    expect(await queue.queue.getJobState(jobId)).toBe('unknown');
  });

  it('a /feel whose analysis job is not JSON is known to be queued, so it is not queued again', async () => {
    const { queue, corrupt } = newQueue();
    const analysis = buildAnalysisJob();
    const jobId = await queue.enqueueAnalysis(analysis);
    expect(jobId).toBe(analysisJobId(analysis.interactionId));
    await corrupt(jobId, 'data', NOT_JSON);

    await expect(queue.hasAnalysis(analysis.interactionId)).resolves.toBe(true);
  });
});
