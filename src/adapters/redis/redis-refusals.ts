import type { Redis } from 'ioredis';
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
 * minutes), so each must be made once for the deployment, not once per worker.
 */
export class RedisRefusals {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly kind: string,
    private readonly options: RedisRefusalsOptions,
  ) {}

  /** True when one of `names` was refused less than `forMs` ago. */
  async any(names: readonly string[]): Promise<boolean> {
    if (names.length === 0) return false;
    const stamps = await this.redis.mget(...names.map((name) => this.key(name)));
    return stamps.some((at) => at !== null && this.now() - Number(at) < this.options.forMs);
  }

  /** Stamped with the clock and expiring after `forMs`, so Redis holds no refusal past its use. */
  async remember(name: string): Promise<void> {
    await this.redis.set(this.key(name), String(this.now()), 'PX', this.options.forMs);
  }

  private key(name: string): string {
    return feelbotKey(this.prefix, this.kind, name);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
