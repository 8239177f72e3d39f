import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePrefixOwnerKey } from '../../src/adapters/redis/queue-prefix-claim.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/** tsx start-up, a few Discord requests and, for a worker, the tiny model's load. */
const EXIT_WITHIN_MS = 45_000;

const readyLogged = (process: FeelbotProcess) => process.logs.some((line) => line.msg === 'worker ready' || line.msg === 'gateway ready');

/** A test bot's token in .env beside the real bot's DISCORD_APPLICATION_ID, as an operator switching bots leaves it. */
describe("a DISCORD_APPLICATION_ID that is not the token's application", () => {
  let stack: FeelbotStack;
  beforeAll(async () => {
    stack = await FeelbotStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['gateway', 'worker', 'start'])(
    '%s stops at start-up with CONFIG_INVALID naming both ids, and records neither as the QUEUE_PREFIX owner',
    async (command) => {
      const wrongId = stack.discord.newId();
      const prefix = `${stack.prefix}-${command}`;
      const process = new FeelbotProcess([command], stack.env({ DISCORD_APPLICATION_ID: wrongId, QUEUE_PREFIX: prefix, HTTP_PORT: '0' }));
      stack.processes.push(process);
      expect(await exitWithin(process, EXIT_WITHIN_MS)).toBe(1);
      const output = process.output.join('\n');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).toContain(`DISCORD_APPLICATION_ID=${wrongId}`);
      expect(output).toContain(`application ${stack.discord.applicationId}`);
      expect(output).not.toContain(stack.discord.token);
      expect(readyLogged(process)).toBe(false);
      expect(await stack.redisConnection().get(queuePrefixOwnerKey(prefix))).toBeNull();
    },
    75_000,
  );
});
