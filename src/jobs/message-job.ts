import { z } from 'zod';
import { EMOTIONS } from '../domain/emotions.js';
import { MAX_MESSAGE_CHARS, MAX_MESSAGE_UNITS, withinCharacters } from '../domain/message-limits.js';
import { parseJob } from './parse-job.js';

// Discord's own limit for a Nitro message; longer text is a malformed job.
export { MAX_MESSAGE_CHARS };
/** Enough conversation for the persona to keep up; fitPrompt drops the oldest where the context is too small. */
export const MAX_CONTEXT_MESSAGES = 20;
/** The gateway keeps at most this many messages of one burst. */
export const MAX_BURST_MESSAGES = 8;

const Snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord snowflake');
const OneMessage = z.string().max(MAX_MESSAGE_UNITS).refine(withinCharacters(MAX_MESSAGE_CHARS), `must be at most ${MAX_MESSAGE_CHARS} characters`);
const WholeBurst = z
  .string()
  .max(MAX_MESSAGE_UNITS * MAX_BURST_MESSAGES)
  .refine(withinCharacters(MAX_MESSAGE_CHARS * MAX_BURST_MESSAGES), `must be at most ${MAX_MESSAGE_CHARS * MAX_BURST_MESSAGES} characters`);

const ContextMessageSchema = z.object({
  messageId: Snowflake.optional(),
  authorName: z.string().min(1).max(100),
  /** A member's user id, so two members of one display name stay two people; absent for persona messages and in jobs queued by an older gateway. */
  authorId: Snowflake.optional(),
  content: OneMessage,
  persona: z.string().optional(),
  /** The key of the persona that posted it, where noted; absent in jobs queued by an older gateway. */
  personaKey: z.enum(EMOTIONS).optional(),
  /** The message this job's message replies to, which a prompt cut to fit keeps; absent in jobs queued by an older gateway. */
  repliedTo: z.boolean().optional(),
});

/** The one message (or burst of messages) a worker answers. Checked on both sides of the queue. */
export const MessageJobSchema = z.object({
  version: z.literal(1),
  /** Where the message came from and where the reply goes: Discord, or `feelbot chat` in a terminal. */
  origin: z.enum(['discord', 'terminal']).default('discord'),
  guildId: Snowflake.nullable(),
  /** Where the message was sent: a text channel, a thread, or a DM channel. */
  channelId: Snowflake,
  /** A thread's parent channel, or a channel's category; decides inherited settings. */
  parentId: Snowflake.nullable(),
  /** The category of a thread's parent channel. */
  categoryId: Snowflake.nullable(),
  isThread: z.boolean(),
  messageId: Snowflake,
  author: z.object({ id: Snowflake, displayName: z.string().min(1).max(100) }),
  /** The text as people read it, mentions as names (discord.js's cleanContent): what the reply answers. */
  content: WholeBurst.refine((text) => text.trim().length > 0, 'must not be empty'),
  /**
   * The same text as Discord sent it, mentions, custom emoji and commands as markup: what the
   * classifier reads, since a mentioned channel's, role's or member's name is no feeling of the
   * author's and the normaliser drops their markup. Jobs queued by a gateway from before the
   * field existed lack it, and are classified by `content`.
   */
  rawContent: WholeBurst.optional(),
  /** True when the bot was mentioned or one of its personas was replied to. */
  addressed: z.boolean(),
  /**
   * Whether the worker may show "typing" where the reply goes: false where the bot may not send
   * messages (it posts through webhooks), since Discord refuses it there. Jobs queued before the
   * field existed lack it and keep showing it.
   */
  typing: z.boolean().default(true),
  /**
   * Whether the bot may read the channel's history (Read Message History), where a retry looks for
   * a post that failed ambiguously (a 5xx after Discord posted). False: such a post is not repeated.
   * Absent when the gateway could not say, or queued it before the field existed: the retry looks.
   */
  readsHistory: z.boolean().optional(),
  /** Earlier messages of the same quick burst, folded into `content`; the reply answers them all. */
  burst: z.array(Snowflake).max(MAX_BURST_MESSAGES).default([]),
  /**
   * A burst's messages one by one, oldest first (empty for a lone message): when some of them are
   * deleted before the reply, the rest is still answered, without their text.
   */
  parts: z
    .array(z.object({ messageId: Snowflake, content: OneMessage, rawContent: OneMessage.optional(), addressed: z.boolean() }))
    .max(MAX_BURST_MESSAGES)
    .default([]),
  context: z.array(ContextMessageSchema).max(MAX_CONTEXT_MESSAGES),
  /**
   * The id the reply's start is claimed under (`replyIdOf`): the burst's id, which the gateway sets
   * and a deletion of some of the burst's messages keeps, so the rest, retried or queued again (with
   * newer messages too), keeps the start its first attempt took. Jobs queued before the field
   * existed use their first message.
   */
  replyId: Snowflake.optional(),
  receivedAt: z.number().int().nonnegative(),
});

export type MessageJob = z.input<typeof MessageJobSchema>;
export type ParsedMessageJob = z.output<typeof MessageJobSchema>;

/** One message's text (or a burst's), as people read it and as Discord sent it; see MessageJobSchema. */
export interface MessageText {
  readonly content: string;
  readonly rawContent?: string;
}

/** What the classifier reads of a message, or of a burst: its raw text, or where none was queued its text as shown. */
export function classifiedText(text: MessageText): string {
  return text.rawContent ?? text.content;
}

/** BullMQ rejects purely numeric custom ids, and a snowflake is one. */
export function messageJobId(messageId: string): string {
  return `msg-${messageId}`;
}

/**
 * The id a job's reply is claimed under (ReplyLimiter.tryStart): its burst's first message as first
 * queued, which a deletion between attempts does not change, so a retry takes no second start.
 */
export function replyIdOf(job: ParsedMessageJob): string {
  return job.replyId ?? job.burst[0] ?? job.messageId;
}

export function parseMessageJob(data: unknown): ParsedMessageJob {
  return parseJob(MessageJobSchema, data, 'message');
}
