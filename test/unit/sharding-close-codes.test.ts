import { GatewayCloseCodes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { loginFailure } from '../../src/gateway/login-failure.js';

const API_URL = 'https://discord.com/api';

describe('a gateway Discord turns away for its shards', () => {
  it('closed with 4011 (Sharding Required), is CONFIG_INVALID saying which shards it ran and what to set', () => {
    const failure = loginFailure(new Error('Sharding is required'), API_URL, GatewayCloseCodes.ShardingRequired, { ids: [0], count: 1 });
    expect(isFeelbotError(failure, ErrorCodes.ConfigInvalid)).toBe(true);
    expect(failure.permanent).toBe(true);
    expect(failure.message).toContain('4011');
    expect(failure.message).toContain('shard 0 of 1');
    expect(failure.message).toContain('DISCORD_SHARDS=auto');
    expect(failure.message).toContain('DISCORD_SHARD_COUNT');
    expect(failure.message).not.toContain('DISCORD_TOKEN');
  });

  it('names a gateway\'s many shards by their runs, so 64 of them read as one range', () => {
    const ids = Array.from({ length: 64 }, (_, id) => id);
    expect(loginFailure(new Error('Sharding is required'), API_URL, GatewayCloseCodes.ShardingRequired, { ids, count: 64 }).message).toContain('shards 0-63 of 64');
  });

  it('closed with 4010 (Invalid Shard), is CONFIG_INVALID naming DISCORD_SHARDS and DISCORD_SHARD_COUNT', () => {
    const failure = loginFailure(new Error('Invalid shard'), API_URL, GatewayCloseCodes.InvalidShard, { ids: [1, 3], count: 4 });
    expect(isFeelbotError(failure, ErrorCodes.ConfigInvalid)).toBe(true);
    expect(failure.permanent).toBe(true);
    expect(failure.message).toContain('4010');
    expect(failure.message).toContain('shards 1, 3 of 4');
    expect(failure.message).toContain('DISCORD_SHARDS');
    expect(failure.message).toContain('DISCORD_SHARD_COUNT');
  });
});
