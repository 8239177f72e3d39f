import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../support/closed-port.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';

/** Long enough for tsx to start and discord.js to fail; a process still up after this hangs. */
const EXIT_WITHIN_MS = 30_000;
const exitOf = (process: FeelbotProcess) => exitWithin(process, EXIT_WITHIN_MS);

describe('a gateway that cannot log in says which of token, intents or network is at fault', () => {
  let redis: PrivateRedis;
  let discord: FakeDiscord;
  beforeEach(async () => {
    redis = await startPrivateRedis();
    discord = await startFakeDiscord();
  });
  afterEach(async () => {
    await discord.close();
    await redis.stop();
  });

  it('when Discord is unreachable, it exits non-zero with DISCORD_UNAVAILABLE, not a token error', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/api`;
    const gateway = new FeelbotProcess(['gateway'], { ...stackEnv(discord, redis, '{login-offline}'), DISCORD_API_URL: apiUrl });
    expect(await exitOf(gateway)).toBe(1);
    const output = gateway.output.join('\n');
    expect(output).toContain('DISCORD_UNAVAILABLE');
    expect(output).toContain('ECONNREFUSED');
    expect(output).not.toContain('CONFIG_INVALID');
    expect(output).not.toContain('Check DISCORD_TOKEN');
  }, 60_000);

  it('when the token is wrong, it says so with CONFIG_INVALID', async () => {
    const gateway = new FeelbotProcess(['gateway'], { ...stackEnv(discord, redis, '{login-token}'), DISCORD_TOKEN: `${discord.token.slice(0, -4)}XXXX` });
    expect(await exitOf(gateway)).toBe(1);
    const output = gateway.output.join('\n');
    expect(output).toContain('Check DISCORD_TOKEN');
    expect(output).toContain('CONFIG_INVALID');
    expect(output).not.toContain('DISCORD_UNAVAILABLE');
  }, 60_000);

  it('when the portal has not enabled Message Content, it names that intent and close code 4014, not the token', async () => {
    const strict = await startFakeDiscord({ privilegedIntents: 0 });
    try {
      const gateway = new FeelbotProcess(['gateway'], stackEnv(strict, redis, '{login-intents}'));
      expect(await exitOf(gateway)).toBe(1);
      const output = gateway.output.join('\n');
      expect(output).toContain('4014');
      expect(output).toContain('Message Content Intent');
      expect(output).toContain('Privileged Gateway Intents');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).not.toContain('DISCORD_TOKEN');
    } finally {
      await strict.close();
    }
  }, 60_000);
});
