import type { ConversationMessage } from '../domain/conversation.js';
import { MAX_BURST_MESSAGES, MAX_CONTEXT_MESSAGES } from '../jobs/message-job.js';

/** A burst's earlier messages may take this many places in the history fetched before its newest. */
export const BURST_LOOKBACK = MAX_BURST_MESSAGES - 1;

/**
 * The channel's messages before one message, fetched once, further back than its own reply reads:
 * when it is a burst's newest, the burst's reply reads as many messages before the burst's first,
 * so the burst's own earlier messages take none of those places.
 */
export interface ChannelHistory {
  /** How many messages before a reply's first message it reads (CONTEXT_MESSAGES). */
  readonly recent: number;
  /** Every message fetched, oldest first: one a reply cannot show (a system message, no text) still takes its place, as Discord counts. */
  readonly fetchedIds: readonly string[];
  /** The reply chain's messages, shown however far back they are. */
  readonly chainIds: readonly string[];
  /** Those messages a reply can show, oldest first. */
  readonly messages: readonly ConversationMessage[];
}

/**
 * The context of a reply to the messages from `firstId` on: the `recent` messages before it, every
 * later one that is not the reply's own (`own`: someone else's, between a burst's messages) and the
 * reply chain; the newest MAX_CONTEXT_MESSAGES of them.
 */
export function contextSince(history: ChannelHistory, firstId: string, own: ReadonlySet<string> = new Set()): ConversationMessage[] {
  const since = history.fetchedIds.filter((id) => !isBefore(id, firstId)).length;
  const window = history.fetchedIds.slice(Math.max(0, history.fetchedIds.length - since - history.recent));
  const shown = new Set([...window, ...history.chainIds]);
  const candidates = history.messages.filter((message) => message.messageId !== undefined && shown.has(message.messageId) && !own.has(message.messageId));
  return newestKeepingChain(candidates, new Set(history.chainIds));
}

/** The newest MAX_CONTEXT_MESSAGES, the reply chain first: the message replied to stays, however many came since. */
function newestKeepingChain(messages: readonly ConversationMessage[], chain: ReadonlySet<string>): ConversationMessage[] {
  if (messages.length <= MAX_CONTEXT_MESSAGES) return [...messages];
  const inChain = (message: ConversationMessage) => chain.has(message.messageId!);
  const chained = messages.filter(inChain).slice(-MAX_CONTEXT_MESSAGES);
  const others = messages.filter((message) => !inChain(message));
  const kept = new Set([...chained, ...others.slice(Math.max(0, others.length - (MAX_CONTEXT_MESSAGES - chained.length)))]);
  return messages.filter((message) => kept.has(message));
}

/** Snowflakes sort by time; compared as bigints, since they outgrow doubles. */
function isBefore(id: string, other: string): boolean {
  return BigInt(id) < BigInt(other);
}
