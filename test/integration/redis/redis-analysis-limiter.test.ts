import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANALYSIS_LIMITS, RedisAnalysisLimiter, type AnalysisLimits } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('the /feel and "Analyze emotion" rate limiter, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshLimiter = (limits: AnalysisLimits = ANALYSIS_LIMITS) => new RedisAnalysisLimiter(redis.connection, `{analysis-${randomUUID().slice(0, 8)}}`, limits);

  // The windows are calendar minutes: each test starts its own minute's first second by the clock
  // the limiter reads, so no stall of a busy machine can carry it over a minute's end.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((Math.floor(Date.now() / 60_000) + 1) * 60_000 + 1_000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("a person past their limit is refused until the minute is over, and someone else is not", async () => {
    const limiter = freshLimiter();
    const guild = snowflake();
    const [alice, bob] = [snowflake(), snowflake()];
    for (let i = 0; i < ANALYSIS_LIMITS.perUserPerMinute; i++) expect(await limiter.tryStart({ scope: guild, userId: alice })).toEqual({ allowed: true });
    const refused = await limiter.tryStart({ scope: guild, userId: alice });
    expect(refused).toMatchObject({ allowed: false, limit: 'user' });
    const retryAfterMs = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await limiter.tryStart({ scope: guild, userId: bob })).toEqual({ allowed: true });
    // Once the minute is over (the clock the limiter reads moved past it), Alice is allowed again.
    vi.setSystemTime(Date.now() + retryAfterMs + 1);
    expect(await limiter.tryStart({ scope: guild, userId: alice })).toEqual({ allowed: true });
  });

  it("one person's limit spans every server and DMs, so they cannot spread a flood across them", async () => {
    const limiter = freshLimiter({ perUserPerMinute: 2, perGuildPerMinute: 100 });
    const alice = snowflake();
    expect((await limiter.tryStart({ scope: snowflake(), userId: alice })).allowed).toBe(true);
    expect((await limiter.tryStart({ scope: 'dm', userId: alice })).allowed).toBe(true);
    expect(await limiter.tryStart({ scope: snowflake(), userId: alice })).toMatchObject({ allowed: false, limit: 'user' });
  });

  it("a server past its limit refuses its members, and a refusal uses up nobody's allowance", async () => {
    const limiter = freshLimiter({ perUserPerMinute: 3, perGuildPerMinute: 4 });
    const [busy, quiet] = [snowflake(), snowflake()];
    const members = [snowflake(), snowflake()];
    for (const member of members) for (let i = 0; i < 2; i++) expect((await limiter.tryStart({ scope: busy, userId: member })).allowed).toBe(true);
    const newcomer = snowflake();
    expect(await limiter.tryStart({ scope: busy, userId: newcomer })).toMatchObject({ allowed: false, limit: 'guild' });
    // The refusal counted nothing: the newcomer still has a full allowance elsewhere.
    for (let i = 0; i < 3; i++) expect((await limiter.tryStart({ scope: quiet, userId: newcomer })).allowed).toBe(true);
  });

  it('DMs have no server limit to fill', async () => {
    const limiter = freshLimiter({ perUserPerMinute: 1, perGuildPerMinute: 1 });
    expect((await limiter.tryStart({ scope: 'dm', userId: snowflake() })).allowed).toBe(true);
    expect((await limiter.tryStart({ scope: 'dm', userId: snowflake() })).allowed).toBe(true);
  });
});
