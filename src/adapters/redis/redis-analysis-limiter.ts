import { randomUUID } from 'node:crypto';
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
 * neither, in one step, and records the interaction's claim; an interaction that already holds
 * one (a second gateway handling it) is allowed and counts nothing. Either way the caller joins the
 * claim's holders, so the count is given back only once every gateway that claimed it gave up; a
 * fresh count starts with fresh holders. The claim and its holders live as long as the counters it
 * counted in: Discord's 3 seconds to defer are over long before.
 * Returns 0 when allowed, 1 when the person's limit refused, 2 the server's.
 * KEYS: user window, guild window, the interaction's claim, its holders.
 * ARGV: user limit, guild limit, window TTL ms, claim, caller.
 */
const TRY_START = `
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('SADD', KEYS[4], ARGV[5])
  redis.call('PEXPIRE', KEYS[4], ARGV[3])
  return 0
end
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 1 end
local guarded = tonumber(ARGV[2]) > 0
if guarded and tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return 2 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if guarded then
  redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
redis.call('DEL', KEYS[4])
redis.call('SADD', KEYS[4], ARGV[5])
redis.call('PEXPIRE', KEYS[4], ARGV[3])
return 0
`;

/**
 * Takes the caller out of the interaction's holders. The last to leave drops the claim and, when it
 * counted this request in the window still running, takes its counts back from both windows (not
 * the server's in DMs); while another gateway still holds it, that one's analysis may run, so the
 * count stays. A caller that holds no claim gives nothing back, nor does a claim of an earlier
 * window, counted in a minute that is over. Returns 1 when it gave back.
 * KEYS: user window, guild window, the interaction's claim, its holders.
 * ARGV: the claim this request would hold now, guarded (1 or 0), caller.
 */
const RELEASE = `
if redis.call('SREM', KEYS[4], ARGV[3]) == 0 then return 0 end
if redis.call('SCARD', KEYS[4]) > 0 then return 0 end
local claim = redis.call('GET', KEYS[3])
if not claim then return 0 end
redis.call('DEL', KEYS[3])
if claim ~= ARGV[1] then return 0 end
redis.call('DECR', KEYS[1])
if ARGV[2] == '1' then redis.call('DECR', KEYS[2]) end
return 1
`;

/** Fixed one-minute windows in Redis, like the reply limits, with a claim per interaction. */
export class RedisAnalysisLimiter implements AnalysisLimiter {
  /** Tells this gateway's hold on a claim from another's: one limiter per gateway process. */
  private readonly caller = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: AnalysisLimits = ANALYSIS_LIMITS,
  ) {}

  async tryStart(request: AnalysisRequest, interactionId: string): Promise<AnalysisVerdict> {
    const window = minuteWindow();
    const refused = await this.redis.eval(
      TRY_START,
      4,
      ...this.keys(request, window.index, interactionId),
      this.limits.perUserPerMinute,
      request.scope === 'dm' ? 0 : this.limits.perGuildPerMinute,
      window.counterTtlMs,
      claimOf(request, window.index),
      this.caller,
    );
    if (refused === 0) return { allowed: true };
    return { allowed: false, limit: refused === 1 ? 'user' : 'guild', retryAfterMs: window.endsInMs };
  }

  async release(request: AnalysisRequest, interactionId: string): Promise<void> {
    const window = minuteWindow();
    await this.redis.eval(
      RELEASE,
      4,
      ...this.keys(request, window.index, interactionId),
      claimOf(request, window.index),
      request.scope === 'dm' ? 0 : 1,
      this.caller,
    );
  }

  private keys({ scope, userId }: AnalysisRequest, windowIndex: number, interactionId: string): [string, string, string, string] {
    return [
      feelbotKey(this.prefix, `analysis:u:${userId}:${windowIndex}`),
      feelbotKey(this.prefix, `analysis:g:${scope}:${windowIndex}`),
      feelbotKey(this.prefix, `analysis:claim:${interactionId}`),
      // Beside the claim, not in it: a gateway of the earlier version, reading the claim as a string, still sees it.
      feelbotKey(this.prefix, `analysis:holders:${interactionId}`),
    ];
  }
}

/** What a claim holds: the window and the request it counted, so a release gives back only what it took. */
function claimOf({ scope, userId }: AnalysisRequest, windowIndex: number): string {
  return `${windowIndex}:${scope}:${userId}`;
}
