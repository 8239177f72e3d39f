import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimQueuePrefix, queuePrefixOwnerKey } from '../../../src/adapters/redis/queue-prefix-claim.js';
import { ErrorCodes } from '../../../src/errors.js';
import { closedPort } from '../../support/closed-port.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const FIRST_APP = '1100000000000000001';
const SECOND_APP = '1100000000000000002';

/** The claim every gateway and worker makes at start-up, against a private redis-server; each test a prefix of its own. */
describe('claiming QUEUE_PREFIX for a Discord application', () => {
  const redis = usePrivateRedis();
  const newPrefix = () => `{claim-${randomUUID().slice(0, 8)}}`;

  it('the first claim of a free prefix stores the application id, with no expiry', async () => {
    const prefix = newPrefix();
    await expect(claimQueuePrefix(redis.server.url, prefix, FIRST_APP)).resolves.toBeUndefined();
    expect(queuePrefixOwnerKey(prefix)).toBe(`${prefix}:application`);
    expect(await redis.connection.get(`${prefix}:application`)).toBe(FIRST_APP);
    expect(await redis.connection.ttl(`${prefix}:application`)).toBe(-1);
  });

  it('another process of the same application claims it again', async () => {
    const prefix = newPrefix();
    await claimQueuePrefix(redis.server.url, prefix, FIRST_APP);
    await expect(claimQueuePrefix(redis.server.url, prefix, FIRST_APP)).resolves.toBeUndefined();
    expect(await redis.connection.get(`${prefix}:application`)).toBe(FIRST_APP);
  });

  it('a process of another application is refused with CONFIG_INVALID naming QUEUE_PREFIX and both ids, and the prefix stays with the first', async () => {
    const prefix = newPrefix();
    await claimQueuePrefix(redis.server.url, prefix, FIRST_APP);
    const refusal = await claimQueuePrefix(redis.server.url, prefix, SECOND_APP).catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      code: ErrorCodes.ConfigInvalid,
      userFacing: true,
      permanent: true,
      details: { queuePrefix: prefix, applicationId: SECOND_APP, claimedBy: FIRST_APP },
    });
    const { message } = refusal as Error;
    expect(message).toContain(`QUEUE_PREFIX=${prefix}`);
    expect(message).toContain(`Discord application ${FIRST_APP}`);
    expect(message).toContain(`this bot's application ${SECOND_APP}`);
    expect(message).toContain('Choose another QUEUE_PREFIX for this bot');
    expect(await redis.connection.get(`${prefix}:application`)).toBe(FIRST_APP);
  });

  it('two applications claiming a free prefix at the same moment: exactly one gets it, the other is refused', async () => {
    const prefix = newPrefix();
    const outcomes = await Promise.allSettled([claimQueuePrefix(redis.server.url, prefix, FIRST_APP), claimQueuePrefix(redis.server.url, prefix, SECOND_APP)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const [refused] = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: ErrorCodes.ConfigInvalid });
    const winner = outcomes[0]!.status === 'fulfilled' ? FIRST_APP : SECOND_APP;
    expect(await redis.connection.get(`${prefix}:application`)).toBe(winner);
  });

  it('a Redis that does not answer is REDIS_UNAVAILABLE, naming REDIS_URL without its password', async () => {
    const url = `redis://:hunter2secret@127.0.0.1:${await closedPort()}`;
    const failure = await claimQueuePrefix(url, newPrefix(), FIRST_APP, { deadlineMs: 500 }).catch((error: unknown) => error as Error);
    expect(failure).toMatchObject({ code: ErrorCodes.RedisUnavailable });
    expect(failure!.message).toContain('REDIS_URL=redis://:***@127.0.0.1');
    expect(failure!.message).not.toContain('hunter2secret');
  });

  it('a stop during start-up ends a claim waiting on a Redis that does not answer at once, with the stop\'s reason, not at the deadline', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const stop = new AbortController();
    const claiming = claimQueuePrefix(url, newPrefix(), FIRST_APP, { deadlineMs: 10_000, signal: stop.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const reason = new Error('stopped by SIGTERM');
    stop.abort(reason);
    expect(await claiming).toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a claim after the stop records no owner', async () => {
    const prefix = newPrefix();
    const stop = new AbortController();
    stop.abort(new Error('stopped by SIGTERM'));
    await expect(claimQueuePrefix(redis.server.url, prefix, FIRST_APP, { signal: stop.signal })).rejects.toBe(stop.signal.reason);
    expect(await redis.connection.get(queuePrefixOwnerKey(prefix))).toBeNull();
  });
});
