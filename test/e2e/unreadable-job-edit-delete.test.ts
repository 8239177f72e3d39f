import { describe, expect, it } from 'vitest';
import { REPLY_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { LogLine } from '../support/feelbot-process.js';
import { everythingUnder } from '../support/redis-contents.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

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
  // A long burst window keeps the reply job delayed for the whole test.
  const e2e = useFeelbotStack({ gateway: { BURST_WINDOW_MS: '30000' } });

  const about = (messageId: string) => e2e.gateway.logs.filter((line) => line.messageId === messageId || (line.messageIds as unknown[] | undefined)?.includes(messageId));
  const isProblem = (line: LogLine) => line.level === 'warn' || line.level === 'error' || line.level === 'fatal';

  it('an edit finds no reply to revise and a deletion withdraws the job, neither logged as UNEXPECTED', async () => {
    const { text } = e2e.stack.discord.world.channels;
    const message = e2e.stack.mention('I am so sad today');
    await e2e.gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 10_000);
    const jobId = messageJobId(message.id);
    await e2e.stack.redisConnection().hset(`${e2e.stack.prefix}:${REPLY_QUEUE}:${jobId}`, 'data', NOT_JSON);

    e2e.stack.discord.editMessage(text.id, message.id, `<@${e2e.stack.discord.botUser.id}> I am so sad, I typed that wrong`);
    const edited = await e2e.gateway.waitForLog((line) => line.messageId === message.id && REVISE_OUTCOMES.includes(line.msg ?? ''), 10_000);
    expect(edited.msg).toBe('edited after its reply started; the reply answers the text as first sent');
    expect(await e2e.stack.redisConnection().hget(`${e2e.stack.prefix}:${REPLY_QUEUE}:${jobId}`, 'data')).toBe(NOT_JSON);

    e2e.stack.discord.deleteMessage(text.id, message.id);
    const deleted = await e2e.gateway.waitForLog((line) => (line.messageIds as unknown[] | undefined)?.includes(message.id) === true && line.level !== 'debug', 10_000);
    expect(deleted).toMatchObject({ msg: 'withdrew replies to deleted messages', withdrawn: [jobId] });
    expect(await e2e.stack.replyQueue().getJobState(jobId)).toBe('unknown');
    expect(await everythingUnder(e2e.stack.redisConnection(), e2e.stack.prefix)).not.toContain('my secret regret');
    expect(about(message.id).filter(isProblem)).toEqual([]);
    expect(e2e.gateway.logs.filter((line) => line.code === 'UNEXPECTED')).toEqual([]);
  });
});
