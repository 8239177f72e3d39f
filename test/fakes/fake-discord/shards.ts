/** A session's shard as IDENTIFY names it: `shard: [shard_id, num_shards]`. */
export type ShardPair = readonly [id: number, count: number];

/** An IDENTIFY without `shard` is one session for every guild, as Discord takes it. */
export const UNSHARDED: ShardPair = [0, 1];

/** The guild events Discord keys by the guild's own `id` rather than a `guild_id`. */
const GUILD_OWN_EVENTS = new Set(['GUILD_CREATE', 'GUILD_UPDATE', 'GUILD_DELETE']);

/** The shard Discord routes a guild's events to: (guild_id >> 22) % num_shards. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** IDENTIFY's `shard`, UNSHARDED when absent, or null when it is no valid pair (Discord closes with 4010). */
export function identifiedShard(value: unknown): ShardPair | null {
  if (value === undefined || value === null) return UNSHARDED;
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return null;
  const pair: ShardPair = [id as number, count as number];
  return pair[1] >= 1 && pair[0] >= 0 && pair[0] < pair[1] ? pair : null;
}

/** Whether a session of this shard gets the event: a guild's go to its shard, the rest (DMs) to shard 0, as Discord sends them. */
export function shardReceives([id, count]: ShardPair, event: string, data: unknown): boolean {
  const fields = typeof data === 'object' && data !== null ? (data as { id?: unknown; guild_id?: unknown }) : {};
  const guildId = GUILD_OWN_EVENTS.has(event) ? fields.id : fields.guild_id;
  return typeof guildId === 'string' ? shardOfGuild(guildId, count) === id : id === 0;
}
