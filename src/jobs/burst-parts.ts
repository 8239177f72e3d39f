import { tailCharacters } from '../domain/cut-text.js';
import { classifiedText, MAX_MESSAGE_CHARS, replyIdOf, type MessageText, type ParsedMessageJob } from './message-job.js';

/** A burst's texts as the reply reads them: one per line, oldest first, the newest kept when too long. */
export function foldedContent(texts: readonly string[]): string {
  return tailCharacters(texts.join('\n'), MAX_MESSAGE_CHARS * 2);
}

/**
 * A burst's messages as one text, both as people read it and as the classifier does; a message
 * queued by a gateway from before the raw text existed adds its text as shown to the latter.
 */
export function foldedTexts(parts: readonly MessageText[]): Required<MessageText> {
  return { content: foldedContent(parts.map((part) => part.content)), rawContent: foldedContent(parts.map(classifiedText)) };
}

/** One message of a burst as a job carries it (and as BurstBuffer keeps it): its text, and whether it was addressed. */
export type BurstPart = ParsedMessageJob['parts'][number];

/** The fields of a job that answers `parts` (oldest first), whose newest message is the one replied to. */
export type BurstAnswer = Pick<ParsedMessageJob, 'messageId' | 'content' | 'rawContent' | 'addressed' | 'burst' | 'parts'>;

/**
 * How one job answers a burst's messages, `earlier` (oldest first) then `newest`, the one replied
 * to: every message's text is folded, and it is addressed if any message was, or one the burst no
 * longer keeps (`droppedAddressed`). A lone message is its own text, without parts, as a job queued
 * for one message is.
 */
export function answering(earlier: readonly BurstPart[], newest: BurstPart, droppedAddressed = false): BurstAnswer {
  // Each part stands for the dropped mention too: what a deletion leaves of the burst (withoutDeleted) stays addressed.
  const parts = [...earlier, newest].map(({ messageId, content, rawContent, addressed }) => ({ messageId, content, rawContent, addressed: addressed || droppedAddressed }));
  const addressed = parts.some((part) => part.addressed);
  if (earlier.length === 0) return { messageId: newest.messageId, content: newest.content, rawContent: newest.rawContent, addressed, burst: [], parts: [] };
  return { messageId: newest.messageId, ...foldedTexts(parts), addressed, burst: earlier.map((part) => part.messageId), parts };
}

/** The conversation without the messages `ids` names (a burst's own, or deleted ones); messages with no id stay. */
export function contextWithout<M extends { readonly messageId?: string }>(context: readonly M[], ids: ReadonlySet<string>): M[] {
  return context.filter((message) => message.messageId === undefined || !ids.has(message.messageId));
}

/**
 * The job without its deleted messages: the rest of its burst, answered as one reply named after
 * its newest message left (claimed under the burst's `replyIdOf`), or undefined when nothing of it
 * is left; deleted messages of the conversation leave its context too.
 */
export function withoutDeleted(queued: ParsedMessageJob, deleted: ReadonlySet<string>): ParsedMessageJob | undefined {
  if (deleted.size === 0) return queued;
  const job = { ...queued, context: contextWithout(queued.context, deleted) };
  if (job.parts.length === 0) return deleted.has(job.messageId) ? undefined : job;
  const kept = job.parts.filter((part) => !deleted.has(part.messageId));
  if (kept.length === 0) return undefined;
  if (kept.length === job.parts.length) return job;
  return {
    ...job,
    // The rest is the same reply: it keeps the start the whole burst took (or will take).
    replyId: replyIdOf(queued),
    messageId: kept.at(-1)!.messageId,
    ...foldedTexts(kept),
    addressed: kept.some((part) => part.addressed),
    burst: kept.slice(0, -1).map((part) => part.messageId),
    parts: kept.length > 1 ? kept : [],
  };
}

/**
 * The job with its conversation as last edited (EditedMessages): an edited message reads as it
 * does now, and one edited down to no text leaves the context, as it would have at queue time.
 */
export function withEditedContext(queued: ParsedMessageJob, edits: ReadonlyMap<string, string>): ParsedMessageJob {
  if (edits.size === 0) return queued;
  const context = queued.context.flatMap((message) => {
    const edited = message.messageId === undefined ? undefined : edits.get(message.messageId);
    if (edited === undefined) return [message];
    return edited.trim().length === 0 ? [] : [{ ...message, content: edited }];
  });
  return { ...queued, context };
}

/**
 * The job with one of the messages it answers edited: a lone message's text, or its part of a
 * burst, folded again. Undefined when the job does not answer that message. An edit without raw
 * text (from an older gateway) leaves none of the first: the classifier reads the edit as shown.
 */
export function withEdited(queued: ParsedMessageJob, messageId: string, text: MessageText): ParsedMessageJob | undefined {
  const edited = { content: text.content, rawContent: text.rawContent };
  if (queued.parts.length === 0) return queued.messageId === messageId ? { ...queued, ...edited } : undefined;
  if (!queued.parts.some((part) => part.messageId === messageId)) return undefined;
  const parts = queued.parts.map((part) => (part.messageId === messageId ? { ...part, ...edited } : part));
  return { ...queued, ...foldedTexts(parts), parts };
}

/**
 * The job with each message's text as `current` has it (a burst buffer's entries, which edits
 * reach): an edit made while the job was out of the queue (withdrawn after a deletion) is kept.
 */
export function withTextsOf(queued: ParsedMessageJob, current: ReadonlyArray<{ readonly messageId: string } & MessageText>): ParsedMessageJob {
  let job = queued;
  for (const entry of current) job = withEdited(job, entry.messageId, entry) ?? job;
  return job;
}
