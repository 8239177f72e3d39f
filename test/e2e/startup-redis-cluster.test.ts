import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startPrivateRedisCluster, type PrivateRedisCluster } from '../support/redis-cluster.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

/** tsx start-up and the refusal; no model loads before it. */
const EXIT_WITHIN_MS = 45_000;

const readyLogged = (process: FeelbotProcess) => process.logs.some((line) => line.msg === 'worker ready' || line.msg === 'gateway ready');

let discord: FakeDiscord;
let cluster: PrivateRedisCluster;
beforeAll(async () => {
  discord = await startFakeDiscord();
  cluster = await startPrivateRedisCluster();
}, 60_000);
afterAll(async () => {
  await discord?.close();
  await cluster?.stop();
});

describe('a process whose REDIS_URL names a Redis Cluster node', () => {
  it.each(['gateway', 'worker', 'start', 'chat'])(
    '%s exits non-zero with CONFIG_INVALID saying Redis Cluster is not supported, instead of saying it is ready',
    async (command) => {
      const node = cluster.nodes[1]!;
      const process = new FeelbotProcess([command], { ...stackEnv(discord, node, `{cluster-${command}}`), HTTP_PORT: '0' });
      expect(await exitWithin(process, EXIT_WITHIN_MS)).toBe(1);
      const output = process.output.join('\n');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).toContain(`REDIS_URL=${node.url}`);
      expect(output).toContain('Redis Cluster is not supported');
      expect(readyLogged(process)).toBe(false);
      expect(process.logs.some((line) => line.msg === 'emotion classifier loaded')).toBe(false);
    },
    75_000,
  );
});
