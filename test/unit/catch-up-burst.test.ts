import { describe, expect, it } from 'vitest';
import { foldBurst } from '../../src/gateway/queue-in-burst.js';
import { caughtUpBurst, uncarriedBy, type BurstMessage } from '../../src/jobs/catch-up-burst.js';
import { parseMessageJob, type MessageJob, type ParsedMessageJob } from '../../src/jobs/message-job.js';
import { buildMessageJob, snowflake } from '../factories.js';

/** One author's messages in one channel, and the burst entry each leaves in the buffer. */
function conversation() {
  const channelId = snowflake();
  const author = { id: snowflake(), displayName: 'Alice' };
  const say = (content: string, overrides: Partial<MessageJob> = {}): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake(), addressed: false, ...overrides });
  const entry = ({ messageId, content, rawContent, addressed }: MessageJob): BurstMessage => ({ messageId, content, rawContent, addressed });
  return { say, entry };
}

/** The job a gateway queued for the burst's first messages, as queueInBurst folds it. */
function staleJob(messages: readonly MessageJob[], entry: (job: MessageJob) => BurstMessage, droppedAddressed = false): ParsedMessageJob {
  return parseMessageJob({ ...foldBurst(messages.at(-1)!, messages.map(entry), droppedAddressed), replyId: messages[0]!.messageId });
}

describe('uncarriedBy', () => {
  it("lists the burst's messages the job answers neither as its own nor as its burst's, oldest first", () => {
    const { say, entry } = conversation();
    const [first, second, third, fourth] = [say('guess what'), say('I passed'), say('my exam'), say('with full marks')];
    const job = staleJob([first, second], entry);
    expect(uncarriedBy(job, [first, second, third, fourth].map(entry)).map((message) => message.messageId)).toEqual([third.messageId, fourth.messageId]);
    expect(uncarriedBy(job, [first, second].map(entry))).toEqual([]);
  });
});

describe('caughtUpBurst', () => {
  it('rebuilds a stale job as the gateway folds the whole burst: it answers the newest message, with every text', () => {
    const { say, entry } = conversation();
    const [first, second, third] = [say('guess what', { addressed: true }), say('I passed my exam', { rawContent: 'I passed my exam <:yay:1>' }), say('with full marks!')];
    const burst = [first, second, third].map(entry);

    const caughtUp = caughtUpBurst(staleJob([first, second], entry), { entries: burst, droppedAddressed: false });

    const folded = foldBurst(third, burst);
    const answer = ({ messageId, content, rawContent, addressed, burst: earlier, parts }: MessageJob) => ({ messageId, content, rawContent, addressed, burst: earlier, parts });
    expect(answer(caughtUp)).toEqual(answer(folded));
    expect(caughtUp).toMatchObject({ messageId: third.messageId, content: 'guess what\nI passed my exam\nwith full marks!', burst: [first.messageId, second.messageId], addressed: true });
  });

  it("keeps the job's place, author, reply id and arrival, and its context without any of the burst's messages", () => {
    const { say, entry } = conversation();
    const [first, second, third] = [say('guess what'), say('I passed my exam'), say('with full marks!')];
    const bob = { messageId: snowflake(), authorName: 'Bob', content: 'what happened?' };
    const system = { authorName: 'Joy', content: 'Tell me more!' };
    const quotedThird = { messageId: third.messageId, authorName: 'Alice', content: 'with full marks!' };
    const stale = parseMessageJob({ ...staleJob([first, second], entry), context: [bob, system, quotedThird] });

    const caughtUp = caughtUpBurst(stale, { entries: [first, second, third].map(entry), droppedAddressed: false });

    expect(caughtUp.context).toEqual([bob, system]);
    expect(caughtUp).toMatchObject({ channelId: stale.channelId, author: stale.author, replyId: first.messageId, receivedAt: stale.receivedAt, guildId: stale.guildId });
  });

  it('an addressed message the burst dropped leaves every part addressed, as the gateway folds it', () => {
    const { say, entry } = conversation();
    const [first, second, third] = [say('hey'), say('so'), say('I got the job')];

    const caughtUp = caughtUpBurst(staleJob([first, second], entry, true), { entries: [first, second, third].map(entry), droppedAddressed: true });

    expect(caughtUp.addressed).toBe(true);
    expect(caughtUp.parts.map((part) => part.addressed)).toEqual([true, true, true]);
  });

  it('a burst left with one message (the others deleted) is that message alone, without parts', () => {
    const { say, entry } = conversation();
    const [first, second, third] = [say('guess what'), say('I passed my exam'), say('with full marks!', { rawContent: 'with full marks! <:yay:1>', addressed: true })];

    const caughtUp = caughtUpBurst(staleJob([first, second], entry), { entries: [entry(third)], droppedAddressed: false });

    expect(caughtUp).toMatchObject({ messageId: third.messageId, content: third.content, rawContent: third.rawContent, addressed: true, burst: [], parts: [] });
  });

  it('a burst with no messages leaves the job as it is', () => {
    const { say, entry } = conversation();
    const stale = staleJob([say('guess what'), say('I passed my exam')], entry);
    expect(caughtUpBurst(stale, { entries: [], droppedAddressed: false })).toBe(stale);
  });
});
