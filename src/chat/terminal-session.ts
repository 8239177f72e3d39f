import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { terminalStreamKey } from '../adapters/redis/terminal-replier.js';
import type { ConversationMessage } from '../domain/conversation.js';
import { headCharacters } from '../domain/cut-text.js';
import { EMOTIONS, type Emotion } from '../domain/emotions.js';
import { characterCount, MAX_MESSAGE_CHARS } from '../domain/message-limits.js';
import { localSnowflake } from '../domain/snowflake.js';
import { ErrorCodes, isFeelbotError } from '../errors.js';
import { messageJobId, MessageJobSchema, MAX_CONTEXT_MESSAGES, type MessageJob } from '../jobs/message-job.js';
import { DEFAULT_LLM_TIMEOUT_MS } from '../config.js';
import { lineOutcome, type JobOutcome } from './line-outcome.js';
import { replyWaitMs } from './reply-wait.js';
import { sendLine } from './send-line.js';
import { withinMs } from '../time-limit.js';

export interface TerminalReply {
  readonly persona: string;
  readonly emotion: string;
  readonly confidence: number;
  readonly content: string;
}

export type TurnResult =
  | { readonly kind: 'reply'; readonly reply: TerminalReply }
  | { readonly kind: 'silent'; readonly reason: string }
  | { readonly kind: 'lost'; readonly reason: string }
  /**
   * The line was never sent, told with its code as `feelbot analyze` does: too long (the user's
   * mistake), or Redis not taking it (sendLine); either way it is not answered unless typed again.
   */
  | { readonly kind: 'refused'; readonly code: typeof ErrorCodes.InputInvalid | typeof ErrorCodes.RedisUnavailable; readonly reason: string };

/** Longest wait for Redis to take a line, before it is withdrawn and reported not sent. */
const QUEUE_ADD_MS = 10_000;

/** Why a line's job left Redis before it finished: what a restart without AOF does; the worker logs JOB_LOST or REDIS_DATA_LOST. */
const JOB_GONE = 'Redis lost the line before its reply came, as a restart without its data does';

/** Longest wait for Redis to remove an ended session: one out of reach must not keep the process from exiting. */
const REMOVAL_MS = 10_000;

/**
 * One person talking to the personas from a terminal. Each line becomes a reply job, the kind
 * Discord messages make, on the session's own queue (terminalQueueName); the session's worker
 * answers it into this session's Redis stream.
 */
export class TerminalSession {
  private readonly history: ConversationMessage[] = [];

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly userName: string,
    /** Longest wait for one reply, retries included. Defaults to what a 60 s LLM timeout needs. */
    private readonly replyTimeoutMs: number = replyWaitMs(DEFAULT_LLM_TIMEOUT_MS),
    /** Names the session's reply stream (and its queue, terminalQueueName). Defaults to a new snowflake. */
    readonly sessionId: string = localSnowflake(),
  ) {}

  /**
   * One turn. Never throws: a turn that fails is reported, and the session goes on. `signal` (the
   * session ending) stops the wait for the reply: the turn is lost and its job withdrawn.
   */
  async say(text: string, signal?: AbortSignal): Promise<TurnResult> {
    // Checked before queueing, and never cut: a silently shortened line gets another answer.
    const length = characterCount(text);
    if (length > MAX_MESSAGE_CHARS) return tooLong(length);
    try {
      return await this.exchange(text, signal);
    } catch (error) {
      return { kind: 'lost', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private async exchange(text: string, signal?: AbortSignal): Promise<TurnResult> {
    const messageId = localSnowflake();
    const job: MessageJob = {
      version: 1,
      origin: 'terminal',
      guildId: null,
      channelId: this.sessionId,
      parentId: null,
      categoryId: null,
      isThread: false,
      messageId,
      author: { id: this.sessionId, displayName: this.userName },
      content: text,
      addressed: true,
      context: this.history.slice(-MAX_CONTEXT_MESSAGES),
      receivedAt: Date.now(),
    };
    let added: Job;
    try {
      added = await sendLine(this.queue, MessageJobSchema.parse(job), messageJobId(messageId), Math.min(this.replyTimeoutMs, QUEUE_ADD_MS));
    } catch (error) {
      if (!isFeelbotError(error, ErrorCodes.RedisUnavailable)) throw error;
      return { kind: 'refused', code: ErrorCodes.RedisUnavailable, reason: `${error.message}; type the line again once Redis is back` };
    }
    let ended: Awaited<ReturnType<typeof lineOutcome>>;
    try {
      ended = await lineOutcome(this.queue, added, this.events, this.replyTimeoutMs, signal);
    } catch (error) {
      // Timed out or failed for good: the session goes on. A job its worker still holds cannot be
      // removed, and goes with the session's queue at its end (removeFromRedis); its late reply is
      // never shown, since replies are read by the job's reply id.
      await added.remove().catch(() => undefined);
      this.remember({ authorName: this.userName, content: text });
      return { kind: 'lost', reason: error instanceof Error ? error.message : String(error) };
    }
    // Not remembered: the person is asked to say it again.
    if (ended.kind === 'gone') return { kind: 'lost', reason: JOB_GONE };
    const { outcome } = ended;
    this.remember({ authorName: this.userName, content: text });
    if (outcome.status !== 'posted') return { kind: 'silent', reason: outcome.reason ?? outcome.status };
    const reply = outcome.replyId ? await this.readReply(outcome.replyId) : undefined;
    if (!reply) return { kind: 'lost', reason: 'the worker reported a reply, but none reached this session' };
    this.remember({ authorName: reply.persona, content: reply.content, persona: reply.persona, personaKey: personaKeyOf(outcome) });
    return { kind: 'reply', reply };
  }

  /**
   * Removes all the session left in Redis: its queue whole (every job, with the lines typed and the
   * context quoted, its events and metrics) and its reply stream. Called once the session's worker
   * has stopped, since the worker needs both until then. Rejects when Redis does not answer within
   * REMOVAL_MS; the stream still expires on its own (TerminalReplier), the queue does not.
   */
  async removeFromRedis(): Promise<void> {
    const removal = Promise.all([this.queue.obliterate({ force: true }), this.redis.del(terminalStreamKey(this.prefix, this.sessionId))]);
    await withinMs(removal, REMOVAL_MS);
  }

  /** A context entry holds at most MAX_MESSAGE_CHARS; a longer one would make every later job invalid. */
  private remember(message: ConversationMessage): void {
    this.history.push({ ...message, content: headCharacters(message.content, MAX_MESSAGE_CHARS) });
    // Only the newest entries are ever sent, so older ones need not be kept.
    if (this.history.length > MAX_CONTEXT_MESSAGES) this.history.splice(0, this.history.length - MAX_CONTEXT_MESSAGES);
  }

  /** The stream entry this job's reply was posted as, not merely the next one: a late reply may sit before it. */
  private async readReply(replyId: string): Promise<TerminalReply | undefined> {
    const key = terminalStreamKey(this.prefix, this.sessionId);
    const [entry] = await this.redis.xrange(key, replyId, replyId);
    if (!entry) return undefined;
    const [, fields] = entry;
    const value = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
    return { persona: value('persona'), emotion: value('emotion'), confidence: Number(value('confidence')), content: value('content') };
  }
}

/**
 * Which persona wrote the reply, as the job's outcome names it: the next prompts then quote it as
 * that character's, not as whichever persona answers next. Absent from an outcome of another shape.
 */
function personaKeyOf(outcome: JobOutcome): Emotion | undefined {
  return EMOTIONS.find((emotion) => emotion === outcome.persona);
}

function tooLong(length: number): TurnResult {
  const format = (count: number) => count.toLocaleString('en-US');
  return {
    kind: 'refused',
    code: ErrorCodes.InputInvalid,
    reason: `The line is ${format(length)} characters; feelbot reads at most ${format(MAX_MESSAGE_CHARS)}, as Discord does. Shorten it.`,
  };
}
