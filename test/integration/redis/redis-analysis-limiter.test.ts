import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANALYSIS_LIMITS, RedisAnalysisLimiter, type AnalysisLimits } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import type { AnalysisRequest } from '../../../src/ports/analysis-limiter.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('the /feel and "Analyze emotion" rate limiter, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{analysis-${randomUUID().slice(0, 8)}}`;
  const freshLimiter = (limits: AnalysisLimits = ANALYSIS_LIMITS) => new RedisAnalysisLimiter(redis.connection, freshPrefix(), limits);
  /** A new interaction each call, as a new /feel would be. */
  const startNew = (limiter: RedisAnalysisLimiter, request: AnalysisRequest) => limiter.tryStart(request, snowflake());

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
    for (let i = 0; i < ANALYSIS_LIMITS.perUserPerMinute; i++) expect(await startNew(limiter, { scope: guild, userId: alice })).toEqual({ allowed: true });
    const refused = await startNew(limiter, { scope: guild, userId: alice });
    expect(refused).toMatchObject({ allowed: false, limit: 'user' });
    const retryAfterMs = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await startNew(limiter, { scope: guild, userId: bob })).toEqual({ allowed: true });
    // Once the minute is over (the clock the limiter reads moved past it), Alice is allowed again.
    vi.setSystemTime(Date.now() + retryAfterMs + 1);
    expect(await startNew(limiter, { scope: guild, userId: alice })).toEqual({ allowed: true });
  });

  it("one person's limit spans every server and DMs, so they cannot spread a flood across them", async () => {
    const limiter = freshLimiter({ perUserPerMinute: 2, perGuildPerMinute: 100 });
    const alice = snowflake();
    expect((await startNew(limiter, { scope: snowflake(), userId: alice })).allowed).toBe(true);
    expect((await startNew(limiter, { scope: 'dm', userId: alice })).allowed).toBe(true);
    expect(await startNew(limiter, { scope: snowflake(), userId: alice })).toMatchObject({ allowed: false, limit: 'user' });
  });

  it("a server past its limit refuses its members, and a refusal uses up nobody's allowance", async () => {
    const limiter = freshLimiter({ perUserPerMinute: 3, perGuildPerMinute: 4 });
    const [busy, quiet] = [snowflake(), snowflake()];
    const members = [snowflake(), snowflake()];
    for (const member of members) for (let i = 0; i < 2; i++) expect((await startNew(limiter, { scope: busy, userId: member })).allowed).toBe(true);
    const newcomer = snowflake();
    expect(await startNew(limiter, { scope: busy, userId: newcomer })).toMatchObject({ allowed: false, limit: 'guild' });
    // The refusal counted nothing: the newcomer still has a full allowance elsewhere.
    for (let i = 0; i < 3; i++) expect((await startNew(limiter, { scope: quiet, userId: newcomer })).allowed).toBe(true);
  });

  it('DMs have no server limit to fill', async () => {
    const limiter = freshLimiter({ perUserPerMinute: 1, perGuildPerMinute: 1 });
    expect((await startNew(limiter, { scope: 'dm', userId: snowflake() })).allowed).toBe(true);
    expect((await startNew(limiter, { scope: 'dm', userId: snowflake() })).allowed).toBe(true);
  });

  it('two gateways claiming the same interaction for the last slot are both allowed, and it counts once', async () => {
    const prefix = freshPrefix();
    const second = redis.connection.duplicate();
    try {
      const limits = { perUserPerMinute: 2, perGuildPerMinute: 100 };
      const gateways = [new RedisAnalysisLimiter(redis.connection, prefix, limits), new RedisAnalysisLimiter(second, prefix, limits)];
      const request = { scope: snowflake(), userId: snowflake() };
      expect(await startNew(gateways[0]!, request)).toEqual({ allowed: true });
      const interactionId = snowflake();
      const raced = await Promise.all(gateways.map((gateway) => gateway.tryStart(request, interactionId)));
      expect(raced).toEqual([{ allowed: true }, { allowed: true }]);
      // Asked again once the person is at their limit, the interaction that holds a claim still is.
      expect(await gateways[1]!.tryStart(request, interactionId)).toEqual({ allowed: true });
      expect(await startNew(gateways[0]!, request)).toMatchObject({ allowed: false, limit: 'user' });
    } finally {
      second.disconnect();
    }
  });

  describe('during a roll-out, two gateways claim the same interaction and either may fail to defer it', () => {
    const limits = { perUserPerMinute: 2, perGuildPerMinute: 100 };
    /** Two gateways on their own connections, sharing one prefix; `use` runs with both, then the second connection closes. */
    const withTwoGateways = async (use: (older: RedisAnalysisLimiter, newer: RedisAnalysisLimiter) => Promise<void>) => {
      const prefix = freshPrefix();
      const second = redis.connection.duplicate();
      try {
        await use(new RedisAnalysisLimiter(redis.connection, prefix, limits), new RedisAnalysisLimiter(second, prefix, limits));
      } finally {
        second.disconnect();
      }
    };

    it("the one that did not count gives its claim back while the other's analysis runs: the request still counts once", async () => {
      await withTwoGateways(async (older, newer) => {
        const request = { scope: snowflake(), userId: snowflake() };
        const interactionId = snowflake();
        expect(await older.tryStart(request, interactionId)).toEqual({ allowed: true });
        expect(await newer.tryStart(request, interactionId)).toEqual({ allowed: true });
        // The newer one's deferral is refused as too late; the older one's landed and its analysis runs.
        await newer.release(request, interactionId);
        expect(await startNew(older, request)).toEqual({ allowed: true });
        expect(await startNew(older, request)).toMatchObject({ allowed: false, limit: 'user' });
      });
    });

    it("the one that counted gives its claim back while the other's analysis runs: the request still counts once", async () => {
      await withTwoGateways(async (older, newer) => {
        const request = { scope: snowflake(), userId: snowflake() };
        const interactionId = snowflake();
        expect(await older.tryStart(request, interactionId)).toEqual({ allowed: true });
        expect(await newer.tryStart(request, interactionId)).toEqual({ allowed: true });
        // The older one's deferral fails (a 429 past the 3 s); the newer one's landed and its analysis runs.
        await older.release(request, interactionId);
        expect(await startNew(newer, request)).toEqual({ allowed: true });
        expect(await startNew(newer, request)).toMatchObject({ allowed: false, limit: 'user' });
      });
    });

    it('when both fail, the slot is given back once, whichever gives its claim back first', async () => {
      for (const lastToFail of ['older', 'newer'] as const) {
        await withTwoGateways(async (older, newer) => {
          const request = { scope: snowflake(), userId: snowflake() };
          expect(await startNew(older, request)).toEqual({ allowed: true });
          const interactionId = snowflake();
          expect(await older.tryStart(request, interactionId)).toEqual({ allowed: true });
          expect(await newer.tryStart(request, interactionId)).toEqual({ allowed: true });
          const [first, last] = lastToFail === 'newer' ? [older, newer] : [newer, older];
          await first.release(request, interactionId);
          // One gateway may still defer it: the person is at their limit until it gives up too.
          expect(await startNew(older, request)).toMatchObject({ allowed: false, limit: 'user' });
          await last.release(request, interactionId);
          await last.release(request, interactionId);
          // Given back once, not twice: one slot is free, the earlier analysis still counts.
          expect(await startNew(newer, request)).toEqual({ allowed: true });
          expect(await startNew(newer, request)).toMatchObject({ allowed: false, limit: 'user' });
        });
      }
    });
  });

  it("a released claim gives back its slot in the person's window and the server's", async () => {
    const limiter = freshLimiter({ perUserPerMinute: 1, perGuildPerMinute: 1 });
    const guild = snowflake();
    const [alice, bob] = [snowflake(), snowflake()];
    const tooLate = snowflake();
    expect(await limiter.tryStart({ scope: guild, userId: alice }, tooLate)).toEqual({ allowed: true });
    await limiter.release({ scope: guild, userId: alice }, tooLate);
    // The server's slot is back: Bob may take it. Alice's own is back too, in her DMs.
    expect(await startNew(limiter, { scope: guild, userId: bob })).toEqual({ allowed: true });
    expect(await startNew(limiter, { scope: 'dm', userId: alice })).toEqual({ allowed: true });
    expect(await startNew(limiter, { scope: 'dm', userId: alice })).toMatchObject({ allowed: false, limit: 'user' });
  });

  it('a released interaction is counted afresh if it claims again', async () => {
    const limiter = freshLimiter({ perUserPerMinute: 2, perGuildPerMinute: 100 });
    const request = { scope: snowflake(), userId: snowflake() };
    const interactionId = snowflake();
    expect(await limiter.tryStart(request, interactionId)).toEqual({ allowed: true });
    await limiter.release(request, interactionId);
    expect(await limiter.tryStart(request, interactionId)).toEqual({ allowed: true });
    expect(await startNew(limiter, request)).toEqual({ allowed: true });
    expect(await startNew(limiter, request)).toMatchObject({ allowed: false, limit: 'user' });
  });

  it('releasing what was never counted gives nothing back: an unknown interaction, a refused one, one released twice', async () => {
    const limiter = freshLimiter({ perUserPerMinute: 2, perGuildPerMinute: 100 });
    const request = { scope: snowflake(), userId: snowflake() };
    const [first, second] = [snowflake(), snowflake()];
    expect(await limiter.tryStart(request, first)).toEqual({ allowed: true });
    expect(await limiter.tryStart(request, second)).toEqual({ allowed: true });
    await limiter.release(request, snowflake());
    const refused = snowflake();
    expect(await limiter.tryStart(request, refused)).toMatchObject({ allowed: false, limit: 'user' });
    await limiter.release(request, refused);
    expect(await startNew(limiter, request)).toMatchObject({ allowed: false, limit: 'user' });
    // The first release gives one slot back; the second finds no claim.
    await limiter.release(request, first);
    await limiter.release(request, first);
    expect(await startNew(limiter, request)).toEqual({ allowed: true });
    expect(await startNew(limiter, request)).toMatchObject({ allowed: false, limit: 'user' });
  });

  it('a claim from a minute that is over gives nothing back to the new minute', async () => {
    const limiter = freshLimiter({ perUserPerMinute: 1, perGuildPerMinute: 100 });
    const request = { scope: snowflake(), userId: snowflake() };
    const lastMinute = snowflake();
    expect(await limiter.tryStart(request, lastMinute)).toEqual({ allowed: true });
    vi.setSystemTime(Date.now() + 60_000);
    expect(await startNew(limiter, request)).toEqual({ allowed: true });
    await limiter.release(request, lastMinute);
    expect(await startNew(limiter, request)).toMatchObject({ allowed: false, limit: 'user' });
  });
});
