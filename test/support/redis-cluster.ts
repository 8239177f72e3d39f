import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from './redis-server.js';

/** The fewest primaries `redis-cli --cluster create` accepts. */
const CLUSTER_PRIMARIES = 3;
/** How long the nodes may take to agree that every slot is served, after the slots are assigned. */
const CLUSTER_READY_DEADLINE_MS = 15_000;
/** Between two looks at CLUSTER INFO while they agree. */
const CLUSTER_READY_POLL_MS = 100;

export interface PrivateRedisCluster {
  /** Its three primaries, which share the 16,384 slots and have no replicas. */
  readonly nodes: readonly PrivateRedis[];
  stop(): Promise<void>;
}

/**
 * A private Redis Cluster of the test run's own: three cluster-enabled redis-servers on free
 * loopback ports, joined by `redis-cli --cluster create`, resolved once every node reports
 * `cluster_state:ok`. Any node's `url` is what a cluster's configuration endpoint would be.
 */
export async function startPrivateRedisCluster(): Promise<PrivateRedisCluster> {
  const nodes = await Promise.all(Array.from({ length: CLUSTER_PRIMARIES }, () => startPrivateRedis({ clusterEnabled: true })));
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(nodes.map((node) => untilClusterStateOk(node)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
}

async function untilClusterStateOk(node: PrivateRedis): Promise<void> {
  const probe = new Redis(node.url);
  try {
    const deadline = Date.now() + CLUSTER_READY_DEADLINE_MS;
    while (!/^cluster_state:ok/m.test(String(await probe.cluster('INFO')))) {
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${node.url} did not reach cluster_state:ok`);
      await sleep(CLUSTER_READY_POLL_MS);
    }
  } finally {
    probe.disconnect();
  }
}
