import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/closed-port.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

/** The Redis deadline (5 s) plus tsx start-up and, for a worker, the tiny model's load. */
const EXIT_WITHIN_MS = 45_000;
const PASSWORD = 's3cret-redis-pass';

const readyLogged = (process: FeelbotProcess) => process.logs.some((line) => line.msg === 'worker ready' || line.msg === 'gateway ready');

// One fake Discord and one Redis for the file; every process gets a queue prefix of its own.
let discord: FakeDiscord;
let redis: PrivateRedis;
beforeAll(async () => {
  discord = await startFakeDiscord();
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await discord.close();
  await redis.stop();
});

describe('a process started without a reachable Redis', () => {
  it.each([
    { command: 'gateway', url: (port: number) => `redis://:${PASSWORD}@127.0.0.1:${port}/0`, shown: (port: number) => `redis://:***@127.0.0.1:${port}/0` },
    { command: 'worker', url: (port: number) => `redis://:${PASSWORD}@127.0.0.1:${port}/0`, shown: (port: number) => `redis://:***@127.0.0.1:${port}/0` },
    { command: 'start', url: (port: number) => `redis://:${PASSWORD}@127.0.0.1:${port}/0`, shown: (port: number) => `redis://:***@127.0.0.1:${port}/0` },
    // ioredis also takes the password from the query.
    { command: 'chat', url: (port: number) => `redis://127.0.0.1:${port}/0?password=${PASSWORD}`, shown: (port: number) => `redis://127.0.0.1:${port}/0?password=***` },
  ])(
    '$command exits non-zero with REDIS_UNAVAILABLE, naming REDIS_URL without its password, instead of saying it is ready',
    async ({ command, url, shown }) => {
      const port = await closedPort();
      const env = { ...stackEnv(discord, redis, `{no-redis-${command}}`), REDIS_URL: url(port), HTTP_PORT: '0' };
      const process = new FeelbotProcess([command], env);
      expect(await exitWithin(process, EXIT_WITHIN_MS)).toBe(1);
      const output = process.output.join('\n');
      expect(output).toContain('REDIS_UNAVAILABLE');
      expect(output).toContain(`REDIS_URL=${shown(port)}`);
      expect(output).not.toContain(PASSWORD);
      expect(readyLogged(process)).toBe(false);
      // Told before any model loads: a first start may download gigabytes before it could say so.
      expect(process.logs.some((line) => line.msg === 'emotion classifier loaded')).toBe(false);
    },
    75_000,
  );
});

describe('feelbot start checks the Discord token before it loads any model', () => {
  it('a wrong token fails with CONFIG_INVALID before the worker is ready', async () => {
    const process = new FeelbotProcess(['start'], { ...stackEnv(discord, redis, '{start-token}'), DISCORD_TOKEN: `${discord.token.slice(0, -4)}XXXX`, HTTP_PORT: '0' });
    expect(await exitWithin(process, EXIT_WITHIN_MS)).toBe(1);
    const output = process.output.join('\n');
    expect(output).toContain('Discord refused the login');
    expect(output).toContain('CONFIG_INVALID');
    expect(readyLogged(process)).toBe(false);
  }, 75_000);

  it('an unreachable Discord fails with DISCORD_UNAVAILABLE, not a token error, before the worker is ready', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/api`;
    const process = new FeelbotProcess(['start'], { ...stackEnv(discord, redis, '{start-offline}'), DISCORD_API_URL: apiUrl, HTTP_PORT: '0' });
    expect(await exitWithin(process, EXIT_WITHIN_MS)).toBe(1);
    const output = process.output.join('\n');
    expect(output).toContain('DISCORD_UNAVAILABLE');
    expect(output).not.toContain('CONFIG_INVALID');
    expect(readyLogged(process)).toBe(false);
  }, 75_000);
});
