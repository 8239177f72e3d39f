import type { Redis } from 'ioredis';
import type { AnalysisLimiter, AnalysisRequest, AnalysisVerdict } from '../../ports/analysis-limiter.js';
import { minuteWindow } from './minute-window.js';
import { feelbotKey } from './redis-connection.js';

export interface AnalysisLimits {
  /** Analyses one person may ask for in a minute, across every server and DMs. */
  readonly perUserPerMinute: number;
  /** Analyses one server may ask for in a minute, all its members together. */
  readonly perGuildPerMinute: number;
}

/**
 * A few analyses a minute is plenty for a person trying /feel out; a whole server asking more
 * than one every 3 seconds would keep chat replies waiting behind it on the workers.
 */
export const ANALYSIS_LIMITS = {
  perUserPerMinute: 5,
  perGuildPerMinute: 20,
} as const satisfies AnalysisLimits;

/**
 * Counts a request against the person's window and the server's (none in DMs: limit 0), both or
 * neither, in one step. Returns 0 when counted, 1 when the person's limit refused, 2 the server's.
 * KEYS: user window, guild window. ARGV: user limit, guild limit, window TTL ms.
 */
const TRY_START = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 1 end
local guarded = tonumber(ARGV[2]) > 0
if guarded and tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return 2 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if guarded then
  redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 0
`;

/** Fixed one-minute windows in Redis, like the reply limits. */
export class RedisAnalysisLimiter implements AnalysisLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: AnalysisLimits = ANALYSIS_LIMITS,
  ) {}

  async tryStart({ scope, userId }: AnalysisRequest): Promise<AnalysisVerdict> {
    const window = minuteWindow();
    const refused = await this.redis.eval(
      TRY_START,
      2,
      feelbotKey(this.prefix, `analysis:u:${userId}:${window.index}`),
      feelbotKey(this.prefix, `analysis:g:${scope}:${window.index}`),
      this.limits.perUserPerMinute,
      scope === 'dm' ? 0 : this.limits.perGuildPerMinute,
      window.counterTtlMs,
    );
    if (refused === 0) return { allowed: true };
    return { allowed: false, limit: refused === 1 ? 'user' : 'guild', retryAfterMs: window.endsInMs };
  }
}
