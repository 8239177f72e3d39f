import { z } from 'zod';
import { parseJob } from './parse-job.js';
import { MAX_MESSAGE_CHARS, MAX_MESSAGE_UNITS, withinCharacters } from '../domain/message-limits.js';

const Snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord snowflake');
const OneText = z.string().max(MAX_MESSAGE_UNITS).refine(withinCharacters(MAX_MESSAGE_CHARS), `must be at most ${MAX_MESSAGE_CHARS} characters`);

/**
 * An explicit analysis asked for with /feel or "Analyze emotion". The gateway has deferred the
 * interaction; the worker completes it through the interaction webhook within its 15 minutes.
 */
export const AnalysisJobSchema = z.object({
  version: z.literal(1),
  interactionId: Snowflake,
  applicationId: Snowflake,
  /** The interaction token: a short-lived secret, never logged. */
  token: z.string().min(10).max(1_000),
  guildId: Snowflake.nullable(),
  channelId: Snowflake,
  /**
   * The thread's parent, or the channel's category, and the thread's parent's category: where the
   * channel's reply mode may come from, which the worker checks again before answering a public
   * /feel. Jobs queued by a gateway from before the fields existed lack them, and are checked by
   * their channel and the server's default.
   */
  parentId: Snowflake.nullable().optional(),
  categoryId: Snowflake.nullable().optional(),
  userId: Snowflake,
  /** The text as people read it, mentions as names: what the persona's line reacts to. */
  text: OneText.refine((text) => text.trim().length > 0, 'must not be empty'),
  /**
   * The same text as Discord sent it, mentions and custom emoji as markup: what the classifier reads
   * (a mentioned name is no feeling of the author's). Jobs queued by a gateway from before the field
   * existed lack it, and are classified by `text`.
   */
  rawText: OneText.optional(),
  source: z.enum(['slash', 'message-menu']),
  receivedAt: z.number().int().nonnegative(),
  /**
   * Whether the gateway deferred publicly (a /feel with public:true): a failure is then told to the
   * asker alone, not in the channel's "thinking…". Jobs queued by a gateway from before the field
   * existed lack it, and are told in place, as private deferrals are.
   */
  deferredPublicly: z.boolean().optional(),
});

export type AnalysisJob = z.infer<typeof AnalysisJobSchema>;

export function analysisJobId(interactionId: string): string {
  return `feel-${interactionId}`;
}

export function parseAnalysisJob(data: unknown): AnalysisJob {
  return parseJob(AnalysisJobSchema, data, 'analysis');
}
