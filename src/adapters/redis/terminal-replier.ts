import type { Redis } from 'ioredis';
import type { PersonaReplier, PersonaReply, PostedReply } from '../../ports/persona-replier.js';
import { feelbotKey } from './redis-connection.js';

/** A session removes its stream as it ends (TerminalSession.removeFromRedis); one killed before it could should not keep it forever. */
const SESSION_TTL_SECONDS = 24 * 3_600;

/** The key a terminal session's replies are appended to. */
export function terminalStreamKey(prefix: string, sessionId: string): string {
  return feelbotKey(prefix, 'terminal', sessionId);
}

/** Posts replies for `feelbot chat` into a Redis stream the terminal reads, so any worker can answer. */
export class TerminalReplier implements PersonaReplier {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async post(reply: PersonaReply): Promise<PostedReply> {
    const key = terminalStreamKey(this.prefix, reply.target.channelId);
    const id = await this.redis.xadd(
      key,
      '*',
      'persona',
      reply.persona.name,
      'emotion',
      reply.detected?.emotion ?? '',
      'confidence',
      String(reply.detected?.confidence ?? ''),
      'content',
      reply.content,
    );
    await this.redis.expire(key, SESSION_TTL_SECONDS);
    return { messageId: id ?? '' };
  }

  /** A stream append either happens or fails with Redis's own answer: there is no half-known post. */
  async findPosted(): Promise<PostedReply | undefined> {
    return undefined;
  }
}
