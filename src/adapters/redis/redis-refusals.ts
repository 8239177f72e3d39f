import type { Redis } from 'ioredis';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import { feelbotKey } from './redis-connection.js';

export interface RedisRefusalsOptions {
  /** How long a refusal is remembered. */
  readonly forMs: number;
  /** The clock a refusal is stamped and read with, so a test can move past `forMs`. Defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * Requests Discord refused lately, of one `kind`, in Redis and shared by every worker of the
 * deployment: Discord counts refused requests per bot (and bans one that makes 10,000 in 10
 * minutes), so each must be made once for the deployment, not once per worker. The memory is only
 * a saving: when Redis cannot be read or written, it says so at debug and counts as no refusal, so
 * the request is made to Discord as if nothing had been refused.
 */
export class RedisRefusals {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly kind: string,
    private readonly options: RedisRefusalsOptions,
  ) {}

  /** True when one of `names` was refused less than `forMs` ago; false when Redis cannot say. */
  async any(names: readonly string[], log: Logger = NO_LOGS): Promise<boolean> {
    if (names.length === 0) return false;
    try {
      const stamps = await this.redis.mget(...names.map((name) => this.key(name)));
      return stamps.some((at) => at !== null && this.now() - Number(at) < this.options.forMs);
    } catch (error) {
      log.debug({ err: error, refused: this.kind, names }, 'the refusals could not be read from Redis; Discord is asked');
      return false;
    }
  }

  /** Stamped with the clock and expiring after `forMs`, so Redis holds no refusal past its use. */
  async remember(name: string, log: Logger = NO_LOGS): Promise<void> {
    try {
      await this.redis.set(this.key(name), String(this.now()), 'PX', this.options.forMs);
    } catch (error) {
      log.debug({ err: error, refused: this.kind, name }, 'the refusal could not be remembered in Redis; the next request asks Discord again');
    }
  }

  private key(name: string): string {
    return feelbotKey(this.prefix, this.kind, name);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
