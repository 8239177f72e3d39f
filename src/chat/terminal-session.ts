import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { terminalStreamKey } from '../adapters/redis/terminal-replier.js';
import type { ConversationMessage } from '../domain/conversation.js';
import { localSnowflake } from '../domain/snowflake.js';
import { messageJobId, MessageJobSchema, MAX_CONTEXT_MESSAGES, type MessageJob } from '../jobs/message-job.js';

/** Generation on a CPU can be slow; a reply that takes longer is reported as lost, not waited for. */
const REPLY_TIMEOUT_MS = 180_000;

export interface TerminalReply {
  readonly persona: string;
  readonly emotion: string;
  readonly confidence: number;
  readonly content: string;
}

export type TurnResult = { readonly kind: 'reply'; readonly reply: TerminalReply } | { readonly kind: 'silent'; readonly reason: string };

/**
 * One person talking to the personas from a terminal. Each line becomes a reply job, the kind
 * Discord messages make, on the terminal queue; the session's worker answers it into this
 * session's Redis stream.
 */
export class TerminalSession {
  readonly sessionId = localSnowflake();
  private readonly history: ConversationMessage[] = [];
  private lastStreamId = '0';

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly userName: string,
  ) {}

  async say(text: string): Promise<TurnResult> {
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
    const added = await this.queue.add('reply', MessageJobSchema.parse(job), { jobId: messageJobId(messageId) });
    const outcome = (await added.waitUntilFinished(this.events, REPLY_TIMEOUT_MS)) as { status: string; reason?: string };
    this.history.push({ authorName: this.userName, content: text });
    if (outcome.status !== 'posted') return { kind: 'silent', reason: outcome.reason ?? outcome.status };
    const reply = await this.readReply();
    this.history.push({ authorName: reply.persona, content: reply.content, persona: reply.persona });
    return { kind: 'reply', reply };
  }

  private async readReply(): Promise<TerminalReply> {
    const key = terminalStreamKey(this.prefix, this.sessionId);
    const entries = await this.redis.xread('COUNT', 1, 'STREAMS', key, this.lastStreamId);
    const [id, fields] = entries?.[0]?.[1]?.[0] ?? [];
    if (!id || !fields) throw new Error('The worker reported a reply, but none reached this session.');
    this.lastStreamId = id;
    const value = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
    return { persona: value('persona'), emotion: value('emotion'), confidence: Number(value('confidence')), content: value('content') };
  }
}
