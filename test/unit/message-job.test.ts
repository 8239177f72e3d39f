import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { withoutDeleted } from '../../src/jobs/burst-parts.js';
import { MAX_BURST_MESSAGES, MAX_MESSAGE_CHARS, messageJobId, parseMessageJob, replyIdOf } from '../../src/jobs/message-job.js';
import { MAX_MESSAGE_UNITS } from '../../src/domain/message-limits.js';
import { buildMessageJob, snowflake } from '../factories.js';

function parseError(data: unknown) {
  try {
    parseMessageJob(data);
  } catch (error) {
    return error;
  }
  throw new Error('expected the job to be rejected');
}

describe('message job schema', () => {
  it('accepts a well-formed job', () => {
    const job = buildMessageJob();
    // A job queued before a field existed gets its default: `typing` shows "typing" as before.
    expect(parseMessageJob(job)).toEqual({ ...job, origin: 'discord', burst: [], parts: [], typing: true });
    expect(parseMessageJob({ ...job, typing: false }).typing).toBe(false);
  });

  it('an empty message is a permanent JOB_INVALID error naming the field', () => {
    const error = parseError(buildMessageJob({ content: '   ' }));
    expect(isFeelbotError(error, ErrorCodes.JobInvalid)).toBe(true);
    expect((error as Error).message).toContain('content');
  });

  it('a 4,000-character message is accepted, emoji too (two UTF-16 units each); more than a full burst of them is not', () => {
    expect(parseMessageJob(buildMessageJob({ content: 'a'.repeat(4_000) })).content).toHaveLength(4_000);
    expect(parseMessageJob(buildMessageJob({ content: '\u{1F600}'.repeat(MAX_MESSAGE_CHARS) })).content).toHaveLength(MAX_MESSAGE_UNITS);
    const tooLong = 'a'.repeat(MAX_MESSAGE_CHARS * MAX_BURST_MESSAGES + 1);
    expect(isFeelbotError(parseError(buildMessageJob({ content: tooLong })), ErrorCodes.JobInvalid)).toBe(true);
  });

  it('a context entry keeps its mark as the message the job replies to, so a prompt cut to fit keeps it on the worker too', () => {
    const context = [
      { messageId: snowflake(), authorName: 'Joy', content: 'What a day!', persona: 'Joy', personaKey: 'joy' as const, repliedTo: true },
      { messageId: snowflake(), authorName: 'Ann', content: 'hi' },
    ];
    expect(parseMessageJob(buildMessageJob({ context })).context.map((entry) => entry.repliedTo)).toEqual([true, undefined]);
  });

  it("a context entry keeps its author's id; one without (queued by an older gateway) still parses; one that is no snowflake is rejected", () => {
    const authorId = snowflake();
    const context = [
      { messageId: snowflake(), authorName: 'Alex', authorId, content: 'hi' },
      { messageId: snowflake(), authorName: 'Sam', content: 'hello' },
    ];
    expect(parseMessageJob(buildMessageJob({ context })).context).toEqual(context);
    const error = parseError(buildMessageJob({ context: [{ authorName: 'Alex', authorId: 'alex', content: 'hi' }] }));
    expect(isFeelbotError(error, ErrorCodes.JobInvalid)).toBe(true);
    expect((error as Error).message).toContain('context.0.authorId');
  });

  it('a job from an unknown origin is rejected', () => {
    expect(isFeelbotError(parseError({ ...buildMessageJob(), origin: 'irc' }), ErrorCodes.JobInvalid)).toBe(true);
  });

  it('garbage is rejected with a clear reason', () => {
    const error = parseError({ hello: 'world' });
    expect((error as Error).message).toMatch(/Malformed message job: .*channelId/);
  });

  it("a reply is claimed under its burst's first message, and the rest left by a deletion keeps that claim", () => {
    const [first, second, third] = [snowflake(), snowflake(), snowflake()];
    const burst = parseMessageJob(
      buildMessageJob({
        messageId: third,
        content: 'one\ntwo\nthree',
        burst: [first, second],
        parts: [first, second, third].map((messageId, i) => ({ messageId, content: ['one', 'two', 'three'][i]!, addressed: false })),
      }),
    );
    expect(replyIdOf(parseMessageJob(buildMessageJob({ messageId: first })))).toBe(first);
    expect(replyIdOf(burst)).toBe(first);
    const rest = parseMessageJob(withoutDeleted(burst, new Set([first]))!);
    expect(rest).toMatchObject({ messageId: third, burst: [second] });
    expect(replyIdOf(rest)).toBe(first);
    expect(replyIdOf(parseMessageJob(withoutDeleted(rest, new Set([second]))!))).toBe(first);
  });

  it('job ids are never purely numeric, as BullMQ requires', () => {
    expect(messageJobId('123456789012345678')).toBe('msg-123456789012345678');
  });
});
