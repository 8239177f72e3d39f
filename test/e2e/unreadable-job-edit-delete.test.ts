import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { everythingUnder } from '../support/redis-contents.js';

/** What a hand edit, or another version's writer, left in the job's hash: no JSON, and text no one should keep. */
const NOT_JSON = '{"content":"my secret regret';
/** What the gateway logs once it has handled an edit of a queued message, whichever way it went. */
const REVISE_OUTCOMES = [
  'edited before its reply; the reply answers the new text',
  'edited after its reply started; the reply answers the text as first sent',
  'could not revise an edited message',
];

/**
 * A waiting reply job whose stored data is not JSON, on a real gateway process (no worker: the
 * job stays delayed) with the real discord.js client against the fake Discord: the author edits,
 * then deletes, the message it answers.
 */
describe('the gateway meets a waiting reply job it cannot read', () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    // A long burst window keeps the reply job delayed for the whole test.
    gateway = await stack.spawn('gateway', { BURST_WINDOW_MS: '30000' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const about = (messageId: string) => gateway.logs.filter((line) => line.messageId === messageId || (line.messageIds as unknown[] | undefined)?.includes(messageId));
  const isProblem = (line: LogLine) => line.level === 'warn' || line.level === 'error' || line.level === 'fatal';

  it('an edit finds no reply to revise and a deletion withdraws the job, neither logged as UNEXPECTED', async () => {
    const { text } = stack.discord.world.channels;
    const message = stack.mention('I am so sad today');
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 10_000);
    const jobId = messageJobId(message.id);
    await stack.redisConnection().hset(`${stack.prefix}:${REPLY_QUEUE}:${jobId}`, 'data', NOT_JSON);

    stack.discord.editMessage(text.id, message.id, `<@${stack.discord.botUser.id}> I am so sad, I typed that wrong`);
    const edited = await gateway.waitForLog((line) => line.messageId === message.id && REVISE_OUTCOMES.includes(line.msg ?? ''), 10_000);
    expect(edited.msg).toBe('edited after its reply started; the reply answers the text as first sent');
    expect(await stack.redisConnection().hget(`${stack.prefix}:${REPLY_QUEUE}:${jobId}`, 'data')).toBe(NOT_JSON);

    stack.discord.deleteMessage(text.id, message.id);
    const deleted = await gateway.waitForLog((line) => (line.messageIds as unknown[] | undefined)?.includes(message.id) === true && line.level !== 'debug', 10_000);
    expect(deleted).toMatchObject({ msg: 'withdrew replies to deleted messages', withdrawn: [jobId] });
    expect(await stack.replyQueue().getJobState(jobId)).toBe('unknown');
    expect(await everythingUnder(stack.redisConnection(), stack.prefix)).not.toContain('my secret regret');
    expect(about(message.id).filter(isProblem)).toEqual([]);
    expect(gateway.logs.filter((line) => line.code === 'UNEXPECTED')).toEqual([]);
  });
});
