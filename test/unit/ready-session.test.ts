import { describe, expect, it } from 'vitest';
import { readySessionOf } from '../../src/gateway/ready-session.js';
import { belongsToShard } from '../../src/gateway/sweep-left-guilds.js';

/** A READY as Discord sends it: every guild listed, unavailable, and the shard when the client asked for one. */
function ready(overrides: Record<string, unknown> = {}) {
  return {
    v: 10,
    user: { id: '1100000000000000009', username: 'feelbot', discriminator: '0', bot: true },
    guilds: [
      { id: '1100000000000000001', unavailable: true },
      { id: '1100000000000000002', unavailable: true },
    ],
    session_id: 'a1b2c3',
    resume_gateway_url: 'wss://gateway.discord.gg',
    shard: [1, 4],
    application: { id: '1100000000000000008', flags: 0 },
    ...overrides,
  };
}

describe('readySessionOf, from a raw READY', () => {
  it('reads every guild of the session and its shard', () => {
    expect(readySessionOf(ready())).toEqual({ shardId: 1, shardCount: 4, guildIds: new Set(['1100000000000000001', '1100000000000000002']) });
  });

  it('a session without a shard is unsharded: shard 0 of 1; one in no guild lists none', () => {
    const { shard: _omitted, ...unsharded } = ready({ guilds: [] });
    expect(readySessionOf(unsharded)).toEqual({ shardId: 0, shardCount: 1, guildIds: new Set() });
  });

  it('is nothing when the list could be partial or the shard makes no sense, so nothing is deleted by it', () => {
    expect(readySessionOf(ready({ guilds: undefined }))).toBeUndefined();
    expect(readySessionOf(ready({ guilds: [{ id: '1100000000000000001' }, { unavailable: true }] }))).toBeUndefined();
    expect(readySessionOf(ready({ guilds: [{ id: 'general' }] }))).toBeUndefined();
    expect(readySessionOf(ready({ guilds: [null] }))).toBeUndefined();
    expect(readySessionOf(ready({ shard: [4, 4] }))).toBeUndefined();
    expect(readySessionOf(ready({ shard: [0, 0] }))).toBeUndefined();
    expect(readySessionOf(ready({ shard: ['0', '1'] }))).toBeUndefined();
    expect(readySessionOf(ready({ shard: null }))).toBeUndefined();
    expect(readySessionOf(null)).toBeUndefined();
  });
});

describe("belongsToShard, Discord's (guild_id >> 22) % num_shards", () => {
  it('places a guild by the timestamp part of its id, not its low bits', () => {
    const id = ((7n << 22n) | 0x3fffffn).toString();
    expect(belongsToShard(id, 3, 4)).toBe(true);
    expect(belongsToShard(id, 1, 2)).toBe(true);
    expect(belongsToShard(id, 0, 2)).toBe(false);
    expect(belongsToShard(id, 0, 1)).toBe(true);
  });

  it('reads ids past 2^53 exactly: one just below a shard boundary, which a double rounds up into the next', () => {
    const id = ((262_260_437_012n << 22n) - 1n).toString();
    expect(Math.floor(Number(id) / 2 ** 22) % 2).toBe(0);
    expect(belongsToShard(id, 1, 2)).toBe(true);
    expect(belongsToShard(id, 0, 2)).toBe(false);
  });
});
