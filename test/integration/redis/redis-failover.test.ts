import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { retryWhileRedisDown } from '../../../src/gateway/retry-while-redis-down.js';
import { startMovableRedisEndpoint, type MovableRedisEndpoint } from '../../support/movable-redis-endpoint.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** Far more than a failover here takes, short of the test's own timeout. */
const AFTER_FAILOVER_MS = 15_000;

/**
 * A real failover between two private redis-servers, a primary and its replica, behind one address
 * that moves to the new primary: a connection opened before it stays on the demoted node, which
 * answers every write with READONLY for as long as that connection lasts.
 */
describe('a Redis failover that moves the primary behind the same address', () => {
  let primary: PrivateRedis;
  let replica: PrivateRedis;
  let endpoint: MovableRedisEndpoint;
  const connections: Redis[] = [];
  const workers: Worker[] = [];

  /** The test's own connection to one node, which the failover does not move. */
  const direct = (node: PrivateRedis) => {
    const connection = new Redis(node.url, { maxRetriesPerRequest: null });
    connections.push(connection);
    return connection;
  };

  beforeEach(async () => {
    [primary, replica] = await Promise.all([startPrivateRedis(), startPrivateRedis()]);
    // A full sync waits 5 s by default for more replicas to share it; this one is alone.
    await direct(primary).config('SET', 'repl-diskless-sync-delay', '0');
    await direct(replica).call('REPLICAOF', '127.0.0.1', String(primary.port));
    await waitFor(async () => (await direct(replica).info('replication')).includes('master_link_status:up'));
    endpoint = await startMovableRedisEndpoint(primary.port);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close(true)));
    for (const connection of connections.splice(0)) connection.disconnect();
    await endpoint?.close();
    await Promise.all([primary?.stop(), replica?.stop()]);
  });

  /**
   * Redis's own coordinated failover (FAILOVER): the primary holds writes until its replica has
   * caught up, then the two swap roles; then the address moves to the new primary.
   */
  async function failOver(): Promise<void> {
    await direct(primary).call('FAILOVER', 'TIMEOUT', '5000');
    await waitFor(async () => (await direct(replica).info('replication')).includes('role:master'));
    endpoint.moveTo(replica.port);
  }

  it("a gateway's write retried while Redis is down lands on the new primary", async () => {
    const gateway = createRedis(endpoint.url, 'producer', 'feelbot-gateway-test');
    connections.push(gateway);
    // A producer fails fast rather than queue a command before it is connected.
    await new Promise((resolve) => gateway.once('ready', resolve));
    await gateway.set('before', '1');
    await failOver();
    await retryWhileRedisDown(() => gateway.set('after', '1'), { maxWaitMs: AFTER_FAILOVER_MS });
    expect(await direct(replica).get('after')).toBe('1');
  });

  it('a worker amid a job when Redis fails over completes it on the new primary, running it once', async () => {
    const prefix = `{failover-${randomUUID().slice(0, 8)}}`;
    const queue = new Queue('replies', { connection: direct(primary), prefix });
    const job = await queue.add('reply', { text: 'hello' });
    await queue.close();
    let runs = 0;
    let finishJob: () => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      const connection = createRedis(endpoint.url, 'worker', 'feelbot-worker-test');
      connections.push(connection);
      const worker = new Worker(
        'replies',
        async () => {
          runs += 1;
          resolveStarted();
          await new Promise<void>((resolve) => (finishJob = resolve));
          return 'posted';
        },
        { connection, prefix },
      );
      worker.on('error', () => undefined);
      workers.push(worker);
    });
    await started;
    await failOver();
    finishJob();
    const onNewPrimary = new Queue('replies', { connection: direct(replica), prefix });
    const deadline = Date.now() + AFTER_FAILOVER_MS;
    while ((await onNewPrimary.getJobState(job.id!)) !== 'completed' && Date.now() < deadline) await sleep(100);
    expect({ state: await onNewPrimary.getJobState(job.id!), runs }).toEqual({ state: 'completed', runs: 1 });
    await onNewPrimary.close();
  });
});

/** Polls `done` every 50 ms for up to 10 s. */
async function waitFor(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for Redis');
    await sleep(50);
  }
}
