import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { closedPort } from '../support/closed-port.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/** Long enough for the gateway to meet the read-only node more than once. */
const FAILOVER_MS = 3_000;

let stack: FeelbotStack | undefined;
afterEach(async (context) => {
  await stack?.stop(context);
  stack = undefined;
});

it('a message that arrives while Redis fails over (its node answers READONLY for a moment) is queued once Redis takes writes again', async () => {
  stack = await FeelbotStack.start();
  const gateway = await stack.spawn('gateway');
  const admin = stack.redisConnection();
  // A failover under way: the node the gateway talks to has just been demoted to a replica.
  await admin.call('REPLICAOF', '127.0.0.1', String(await closedPort()));
  const message = stack.mention('I finally got the job, I am so happy!');
  await sleep(FAILOVER_MS);
  await admin.call('REPLICAOF', 'NO', 'ONE');
  const line = await gateway.waitForLog((l) => l.messageId === message.id && (l.msg === 'queued' || l.msg === 'could not queue message'), 30_000);
  expect({ msg: line.msg, code: line.code }).toEqual({ msg: 'queued', code: undefined });
}, 60_000);
