import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigFor } from '../../src/config.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';

/** The CONFIG_INVALID message loadConfig stops with; fails the test when it does not stop. */
function problemOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(isFeelbotError(error, ErrorCodes.ConfigInvalid)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`expected CONFIG_INVALID for ${JSON.stringify(env)}`);
}

describe('DISCORD_SHARDS and DISCORD_SHARD_COUNT', () => {
  it("default to every shard Discord recommends, in this gateway: what one gateway must run past 2,500 guilds", () => {
    expect(loadConfig({}).discord.shards).toBe('auto');
    expect(loadConfig({ DISCORD_SHARDS: ' auto ', DISCORD_SHARD_COUNT: '' }).discord.shards).toBe('auto');
  });

  it.each([
    ['0,1', '2', [0, 1]],
    ['0-3', '4', [0, 1, 2, 3]],
    ['4-5, 0', '8', [4, 5, 0]],
    ['7', '8', [7]],
    [' 2 - 3 ', '16', [2, 3]],
  ])('DISCORD_SHARDS=%s of DISCORD_SHARD_COUNT=%s runs shards %j of that count', (shards, count, ids) => {
    expect(loadConfig({ DISCORD_SHARDS: shards, DISCORD_SHARD_COUNT: count }).discord.shards).toEqual({ ids, count: Number(count) });
  });

  it.each([
    ['x', /DISCORD_SHARDS: .*`x`.*auto.*0,1.*0-3/],
    ['1.5', /DISCORD_SHARDS: .*`1\.5`/],
    ['-1', /DISCORD_SHARDS: .*`-1`/],
    ['1-', /DISCORD_SHARDS: .*`1-`/],
    ['0,,1', /DISCORD_SHARDS: .*empty/],
    ['3-1', /DISCORD_SHARDS: .*3-1.*backwards/],
    ['0,1,0', /DISCORD_SHARDS: .*shard 0 more than once/],
    ['0-2,2', /DISCORD_SHARDS: .*shard 2 more than once/],
    ['0-99999999', /DISCORD_SHARDS: .*99999999.*65535/],
  ])('DISCORD_SHARDS=%s is CONFIG_INVALID naming it and why', (shards, why) => {
    expect(problemOf({ DISCORD_SHARDS: shards, DISCORD_SHARD_COUNT: '4' })).toMatch(why);
  });

  it('a listed shard id must be below DISCORD_SHARD_COUNT: ids run from 0 to the count less one', () => {
    expect(problemOf({ DISCORD_SHARDS: '0-3', DISCORD_SHARD_COUNT: '2' })).toMatch(/DISCORD_SHARDS: .*shard 2\b.*DISCORD_SHARD_COUNT is 2/);
    expect(problemOf({ DISCORD_SHARDS: '4', DISCORD_SHARD_COUNT: '4' })).toMatch(/DISCORD_SHARDS: .*shard 4\b.*DISCORD_SHARD_COUNT is 4/);
  });

  it('listed shard ids need DISCORD_SHARD_COUNT, the total across every gateway', () => {
    expect(problemOf({ DISCORD_SHARDS: '0,1' })).toMatch(/DISCORD_SHARD_COUNT: .*required.*DISCORD_SHARDS lists shard ids/);
  });

  it('DISCORD_SHARD_COUNT is a whole number from 1, and has no meaning beside DISCORD_SHARDS=auto', () => {
    expect(problemOf({ DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '0' })).toMatch(/DISCORD_SHARD_COUNT: /);
    expect(problemOf({ DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: 'two' })).toMatch(/DISCORD_SHARD_COUNT: /);
    expect(problemOf({ DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '1.5' })).toMatch(/DISCORD_SHARD_COUNT: /);
    expect(problemOf({ DISCORD_SHARD_COUNT: '4' })).toMatch(/DISCORD_SHARD_COUNT: .*DISCORD_SHARDS is auto/);
  });

  it('are listed with every other problem at boot', () => {
    const message = problemOf({ DISCORD_SHARDS: '0-3', DISCORD_SHARD_COUNT: '2', HTTP_PORT: 'abc', LLM_GPU: 'tpu' });
    expect(message).toMatch(/DISCORD_SHARDS: /);
    expect(message).toMatch(/HTTP_PORT: /);
    expect(message).toMatch(/LLM_GPU: /);
  });

  it('a command that does not read them (analyze) only warns of them, and starts', () => {
    for (const env of [{ DISCORD_SHARDS: '0-3', DISCORD_SHARD_COUNT: '2' }, { DISCORD_SHARDS: '0,1' }, { DISCORD_SHARD_COUNT: '4' }]) {
      const { config, ignored } = loadConfigFor(env, { reads: ['EMOTION_MODEL', 'LOG_LEVEL'] });
      expect(config.discord.shards).toBe('auto');
      expect(ignored.join('\n')).toMatch(/DISCORD_SHARD/);
    }
  });
});
