import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisReachable } from '../../../src/adapters/redis/check-redis-reachable.js';
import { ErrorCodes } from '../../../src/errors.js';
import { startPrivateRedisCluster, type PrivateRedisCluster } from '../../support/redis-cluster.js';

/** Well under the 5 s start-up waits for an answer: a cluster node answers at once, so the refusal must too. */
const AT_ONCE_MS = 2_000;

/**
 * feelbot supports a single Redis primary: a Redis Cluster node answers every key outside its slots
 * with MOVED, which feelbot's single-node connections do not follow, while BullMQ's own start-up
 * check passes. So start-up refuses it. A private three-node cluster; the standalone case is in
 * startup-redis-check.test.ts.
 */
describe("start-up's Redis check on a Redis Cluster", () => {
  let cluster: PrivateRedisCluster;
  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('stops at once with CONFIG_INVALID, whichever node REDIS_URL names, saying a single Redis primary is needed and Cluster is not supported', async () => {
    for (const node of cluster.nodes) {
      const started = Date.now();
      const failure = await checkRedisReachable(node.url).then(
        () => undefined,
        (error: unknown) => error as Error & { code: string; userFacing: boolean },
      );
      expect(failure, `REDIS_URL=${node.url}`).toMatchObject({
        code: ErrorCodes.ConfigInvalid,
        userFacing: true,
        message: expect.stringMatching(/single Redis primary.*Redis Cluster is not supported/s),
      });
      expect(failure!.message).toContain(`REDIS_URL=${node.url}`);
      expect(Date.now() - started).toBeLessThan(AT_ONCE_MS);
    }
  });

  it('names REDIS_URL without its password', async () => {
    const [node] = cluster.nodes;
    const admin = new Redis(node!.url);
    await admin.config('SET', 'requirepass', 'hunter2secret');
    admin.disconnect();
    try {
      const url = `redis://:hunter2secret@127.0.0.1:${node!.port}`;
      const failure = await checkRedisReachable(url).catch((error: unknown) => error as Error & { code: string });
      expect(failure).toMatchObject({ code: ErrorCodes.ConfigInvalid, message: expect.stringContaining(`REDIS_URL=redis://:***@127.0.0.1:${node!.port}`) });
      expect(failure!.message).not.toContain('hunter2secret');
    } finally {
      const restore = new Redis(node!.url, { password: 'hunter2secret' });
      await restore.config('SET', 'requirepass', '');
      restore.disconnect();
    }
  });
});
