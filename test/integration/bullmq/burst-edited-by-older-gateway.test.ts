import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { BurstBuffer } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { classifiedText, parseMessageJob, type MessageJob } from '../../../src/jobs/message-job.js';
import { buildMessageJob, snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set during a test. */
const WINDOW_MS = 30_000;

/** The burst edit script of a gateway from before the raw text (09201bc), verbatim: it changes `content` alone. */
const OLDER_GATEWAY_REVISE = `
for i, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local entry = cjson.decode(item)
  if entry.messageId == ARGV[1] then
    entry.content = ARGV[2]
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(entry))
    return 1
  end
end
return 0
`;

/**
 * A rolling deploy: old and new gateways share the burst buffer, and either may handle an event.
 * Whatever wrote an entry, the classifier reads a burst's text as the reply answers it.
 */
describe('a burst that gateways of two versions wrote (real Redis and BullMQ)', () => {
  const redis = usePrivateRedis();
  let prefix: string;
  let queue: MessageQueue;
  let bursts: BurstBuffer;

  beforeAll(() => {
    prefix = `{burst-${randomUUID().slice(0, 8)}}`;
    queue = new MessageQueue(redis.connection, prefix);
    bursts = new BurstBuffer(redis.connection, prefix, WINDOW_MS);
  });

  afterAll(async () => {
    await queue?.close();
  });

  /** One author's messages in one channel, each a job as the gateway builds it. */
  function conversation() {
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const burstKey = feelbotKey(prefix, 'burst', channelId, author.id);
    const say = (content: string, rawContent = content): MessageJob => buildMessageJob({ channelId, author, content, rawContent, messageId: snowflake() });
    return { say, burstKey };
  }
  const anyReplyMayStart = async () => true;

  async function queued(job: MessageJob) {
    const { jobId } = (await queueInBurst(queue, bursts, job, anyReplyMayStart))!;
    return parseMessageJob((await queue.queue.getJob(jobId))!.data);
  }

  it('a message an older gateway edited is classified as edited, not as first sent', async () => {
    const { say, burstKey } = conversation();
    const first = say('see you in #general', 'see you in <#1100000000000000007>');
    await queued(first);
    await redis.connection.eval(OLDER_GATEWAY_REVISE, 1, burstKey, first.messageId, 'I am so sad today');

    const burst = await queued(say('and tired'));
    expect(burst.content).toBe('I am so sad today\nand tired');
    expect(classifiedText(burst)).toBe('I am so sad today\nand tired');
  });

  it('the rest of a burst, after a deletion, reads the older gateway\'s edit as shown', async () => {
    const { say, burstKey } = conversation();
    const [first, second, third] = [say('see you in #general', 'see you in <#1100000000000000007>'), say('bye'), say('oops')];
    for (const job of [first, second, third]) await queued(job);
    await redis.connection.eval(OLDER_GATEWAY_REVISE, 1, burstKey, first.messageId, 'I am so sad today');

    const open = await bursts.forget(first.channelId, first.author.id, [third.messageId]);
    expect(open?.entries.map((entry) => classifiedText(entry))).toEqual(['I am so sad today', 'bye']);
  });

  it('entries written by older gateways, with no raw text, are classified as shown', async () => {
    const { say, burstKey } = conversation();
    const first = say('see you in #general');
    // What a gateway from before the raw text appends.
    await redis.connection.rpush(burstKey, JSON.stringify({ messageId: first.messageId, content: first.content, addressed: true }));

    const burst = await queued(say('bye', 'bye <@1100000000000000008>'));
    expect(classifiedText(burst)).toBe('see you in #general\nbye <@1100000000000000008>');
  });

  it('a raw text written before its digest was (never released) is not trusted: the entry is classified as shown', async () => {
    const { say, burstKey } = conversation();
    const first = say('see you in #general', 'see you in <#1100000000000000007>');
    await redis.connection.rpush(burstKey, JSON.stringify({ messageId: first.messageId, content: first.content, rawContent: first.rawContent, addressed: true }));

    const burst = await queued(say('bye'));
    expect(classifiedText(burst)).toBe('see you in #general\nbye');
  });

  it('a raw text whose message was edited by this version follows the edit', async () => {
    const { say } = conversation();
    const first = say('see you in #general', 'see you in <#1100000000000000007>');
    await queued(first);
    await bursts.revise(first.channelId, first.author.id, first.messageId, { content: 'rules are in #scary-stories', rawContent: 'rules are in <#1100000000000000009>' });

    const burst = await queued(say('bye'));
    expect(burst.content).toBe('rules are in #scary-stories\nbye');
    expect(classifiedText(burst)).toBe('rules are in <#1100000000000000009>\nbye');
  });
});
