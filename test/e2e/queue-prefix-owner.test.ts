import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack, stackEnv } from '../support/feelbot-stack.js';

/** tsx start-up, one Discord request and, for a worker, the tiny model's load. */
const EXIT_WITHIN_MS = 45_000;

const readyLogged = (process: FeelbotProcess) => process.logs.some((line) => line.msg === 'worker ready' || line.msg === 'gateway ready');

/**
 * Two Discord applications (two fake Discords, two bots) on one private Redis. The first bot's
 * gateway runs under the stack's QUEUE_PREFIX; the second bot's processes are started on the same
 * Redis and prefix, as an operator copying the first bot's settings would.
 */
describe('a second bot started on the Redis and QUEUE_PREFIX of a running one', () => {
  let first: FeelbotStack;
  let second: FakeDiscord;
  let settings: RedisSettingsStore;
  const firstGuild = () => first.discord.world.guild.id;
  const secondEnv = (prefix = first.prefix) => stackEnv(second, first.redis, prefix, { HTTP_PORT: '0' });

  beforeAll(async () => {
    first = await FeelbotStack.start();
    second = await startFakeDiscord();
    settings = new RedisSettingsStore(first.redisConnection(), first.prefix);
    await settings.update(firstGuild(), (current) => ({ ...current, defaultMode: 'always' }));
    await first.spawn('gateway');
  }, 60_000);

  afterAll(async () => {
    await second?.close();
    await first?.stop();
  });

  it.each(['gateway', 'worker', 'start'])(
    "%s stops at start-up with CONFIG_INVALID naming QUEUE_PREFIX and both application ids, and the first bot's server settings stay",
    async (command) => {
      const process = new FeelbotProcess([command], secondEnv());
      expect(await exitWithin(process, EXIT_WITHIN_MS)).toBe(1);
      const output = process.output.join('\n');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).toContain(`QUEUE_PREFIX=${first.prefix}`);
      expect(output).toContain(`Discord application ${first.discord.applicationId}`);
      expect(output).toContain(`this bot's application ${second.applicationId}`);
      expect(output).toContain('Choose another QUEUE_PREFIX for this bot');
      expect(output).not.toContain(second.token);
      expect(readyLogged(process)).toBe(false);
      // The second bot's READY does not list the first bot's server; a sweep would have deleted its settings.
      expect(await first.redisConnection().exists(feelbotKey(first.prefix, 'settings', firstGuild()))).toBe(1);
      expect(await first.redisConnection().get(feelbotKey(first.prefix, 'application'))).toBe(first.discord.applicationId);
    },
    75_000,
  );

  it('its gateway starts with a QUEUE_PREFIX of its own on the same Redis', async () => {
    const process = new FeelbotProcess(['gateway'], secondEnv(`${first.prefix}-second`));
    try {
      await process.waitForLog((line) => line.msg === 'gateway ready', 30_000);
      expect(await first.redisConnection().get(feelbotKey(`${first.prefix}-second`, 'application'))).toBe(second.applicationId);
    } finally {
      await process.stop();
    }
  }, 60_000);
});
