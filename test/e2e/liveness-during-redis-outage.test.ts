import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { freePort } from '../support/redis-server.js';

/**
 * During a Redis outage a gateway holds each message, retrying for up to 120 s, and queues it once
 * Redis is back. /healthz (readiness) is 503 then; a liveness probe (Kubernetes, Swarm, autoheal)
 * that restarted it would drop what it holds, so /livez must stay 200 meanwhile.
 */
describe('a gateway during a Redis outage', () => {
  let stack: FeelbotStack;
  beforeAll(async () => {
    stack = await FeelbotStack.start();
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(stack.outputs());
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is alive on /livez and not ready on /healthz while it holds a message, and queues it once Redis is back', async () => {
    const port = await freePort();
    const gateway = await stack.spawn('gateway', { METRICS_PORT: String(port) });
    await gateway.waitForLog((line) => line.msg === 'http listening', 30_000);
    const status = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) })).status;
    expect([await status('/livez'), await status('/healthz')]).toEqual([200, 200]);

    await stack.redis.crash();
    const held = stack.mention('I am so happy today, the trip is on!');
    await gateway.waitForLog((line) => line.msg === 'redis down; retrying' && line.messageId === held.id, 30_000);
    const during = { livez: await status('/livez'), healthz: await status('/healthz') };

    await stack.redis.revive();
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === held.id, 60_000);
    await expect.poll(() => status('/healthz'), { timeout: 15_000 }).toBe(200);

    expect(during).toEqual({ livez: 200, healthz: 503 });
    expect(await status('/livez')).toBe(200);
  }, 120_000);
});
