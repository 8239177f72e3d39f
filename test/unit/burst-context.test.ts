import { describe, expect, it } from 'vitest';
import type { ConversationMessage } from '../../src/domain/conversation.js';
import { contextSince, type ChannelHistory } from '../../src/gateway/channel-history.js';
import { foldBurst } from '../../src/gateway/queue-in-burst.js';
import { MAX_CONTEXT_MESSAGES } from '../../src/jobs/message-job.js';
import { buildMessageJob, snowflake } from '../factories.js';

const author = { id: snowflake(), displayName: 'Alice' };

/** A channel's messages, oldest first, each with an id later than the one before. */
function channel(lines: readonly string[]): ConversationMessage[] {
  return lines.map((content) => ({ messageId: snowflake(), authorName: content.startsWith('alice:') ? 'Alice' : 'Bob', content }));
}

/** The history the gateway fetches before `newest`: up to `recent` + 7 messages, some of which no reply shows. */
function historyBefore(messages: readonly ConversationMessage[], recent: number, options: { hidden?: ReadonlySet<string>; chain?: string[] } = {}): ChannelHistory {
  const fetched = messages.slice(-(recent + 7));
  const chain = options.chain ?? [];
  return {
    recent,
    fetchedIds: fetched.map((m) => m.messageId!),
    chainIds: chain,
    messages: messages.filter((m) => (fetched.includes(m) || chain.includes(m.messageId!)) && !options.hidden?.has(m.messageId!)),
  };
}

/** The newest message's job and its burst entries, as queueInBurst folds them. */
function burstOf(messages: readonly ConversationMessage[], history: ChannelHistory) {
  const own = messages.filter((m) => m.content.startsWith('alice:'));
  const newest = own.at(-1)!;
  const job = { ...buildMessageJob({ messageId: newest.messageId!, author, content: newest.content }), history };
  return { job, entries: own.map((m) => ({ messageId: m.messageId!, content: m.content, addressed: true })) };
}

const contents = (context: readonly ConversationMessage[]) => context.map((m) => m.content);

describe("a burst's context, from the history fetched before its newest message", () => {
  it('at CONTEXT_MESSAGES=20 a burst of three reads the twenty messages before its first, not eighteen', () => {
    const before = Array.from({ length: 22 }, (_, i) => `line ${i + 1}`);
    const messages = channel([...before, 'alice: guess what', 'alice: I got in', 'alice: I am so happy']);
    const { job, entries } = burstOf(messages, historyBefore(messages.slice(0, -1), 20));
    expect(contents(foldBurst(job, entries).context)).toEqual(before.slice(-20));
  });

  it("others' messages between the burst's join the twenty before it, and the job keeps the newest twenty it can hold", () => {
    const before = Array.from({ length: 22 }, (_, i) => `line ${i + 1}`);
    const messages = channel([...before, 'alice: guess what', 'what?', 'alice: I got in', 'no way!', 'alice: I am so happy']);
    const { job, entries } = burstOf(messages, historyBefore(messages.slice(0, -1), 20));
    const context = contents(foldBurst(job, entries).context);
    expect(context).toHaveLength(MAX_CONTEXT_MESSAGES);
    expect(context).toEqual([...before.slice(-18), 'what?', 'no way!']);
  });

  it('a message no reply shows (a system message) takes one of the places before a burst, as it does before a lone message', () => {
    const messages = channel(['one', 'pinned a message', 'two', 'three', 'alice: hi', 'alice: I am sad']);
    const hidden = new Set([messages[1]!.messageId!]);
    const { job, entries } = burstOf(messages, historyBefore(messages.slice(0, -1), 3, { hidden }));
    expect(contents(foldBurst(job, entries).context)).toEqual(['two', 'three']);
  });

  it('at CONTEXT_MESSAGES=20 the message replied to, older than the twenty, is kept and the oldest of the twenty makes room for it', () => {
    const before = Array.from({ length: 22 }, (_, i) => `line ${i + 1}`);
    const messages = channel(['joy: what a day it was!', ...before, 'alice: I am so happy']);
    const chain = [messages[0]!.messageId!];
    const contextOf = contextSince(historyBefore(messages.slice(0, -1), 20, { chain }), messages.at(-1)!.messageId!);
    expect(contents(contextOf)).toEqual(['joy: what a day it was!', ...before.slice(-(MAX_CONTEXT_MESSAGES - 1))]);
  });

  it('the reply chain is kept however far back it goes, without the burst’s own messages in it', () => {
    const messages = channel(['the old question', 'a', 'b', 'c', 'alice: about that', 'alice: my answer is yes']);
    const chain = [messages[4]!.messageId!, messages[0]!.messageId!];
    const { job, entries } = burstOf(messages, historyBefore(messages.slice(0, -1), 2, { chain }));
    expect(contents(foldBurst(job, entries).context)).toEqual(['the old question', 'b', 'c']);
  });

  it('the history is never queued, with a lone message or a burst', () => {
    const messages = channel(['hello', 'alice: hi', 'alice: I am happy']);
    const { job, entries } = burstOf(messages, historyBefore(messages.slice(0, -1), 6));
    expect(foldBurst(job, entries)).not.toHaveProperty('history');
    expect(foldBurst(job, entries.slice(-1))).not.toHaveProperty('history');
  });
});
