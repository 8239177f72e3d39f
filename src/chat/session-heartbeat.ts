import type { Redis } from 'ioredis';
import { feelbotKey } from '../adapters/redis/redis-connection.js';

export interface SessionHeartbeatOptions {
  /** How long the key outlives its last refresh: a killed session counts as gone this long after. Defaults to 30 s. */
  readonly ttlMs: number;
  /** How often a live session refreshes it. Defaults to 5 s: five refreshes may fail (a Redis blip) before it lapses. */
  readonly everyMs: number;
}

export const DEFAULT_HEARTBEAT_OPTIONS = { ttlMs: 30_000, everyMs: 5_000 } as const satisfies SessionHeartbeatOptions;

/** The key that says a `feelbot chat` session is alive; it lapses on its own once the session is killed. */
export function heartbeatKey(prefix: string, sessionId: string): string {
  return feelbotKey(prefix, 'terminal-alive', sessionId);
}

/**
 * A live session's sign of life, for the sessions that start after it (removeAbandonedSessions):
 * its queue and reply stream are not theirs to remove while the key exists.
 */
export class SessionHeartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly sessionId: string,
    private readonly options: SessionHeartbeatOptions = DEFAULT_HEARTBEAT_OPTIONS,
  ) {}

  /** Resolves once the key is set: the session makes its queue only then, so a sweep never sees one without it. */
  async start(): Promise<void> {
    await this.beat();
    // A failed refresh is retried by the next one; the key lapses only after several in a row.
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.options.everyMs);
    // The session's own end stops it (stop()); the timer alone must not keep the process running.
    this.timer.unref();
  }

  /** Stops refreshing and removes the key: the session has removed its own queue by then, or failed to. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.del(heartbeatKey(this.prefix, this.sessionId));
  }

  private async beat(): Promise<void> {
    await this.redis.set(heartbeatKey(this.prefix, this.sessionId), '1', 'PX', this.options.ttlMs);
  }
}
