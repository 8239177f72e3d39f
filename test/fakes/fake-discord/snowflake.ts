/** Discord's epoch (2015-01-01), the zero point of every snowflake's timestamp. */
const DISCORD_EPOCH = 1_420_070_400_000n;

let increment = 0n;

/** A fresh snowflake id for the current time, unique within this process. */
export function nextSnowflake(now = Date.now()): string {
  // 12 bits of increment, as Discord packs them into the low bits.
  increment = (increment + 1n) % 4096n;
  return (((BigInt(now) - DISCORD_EPOCH) << 22n) | increment).toString();
}

/**
 * A fresh snowflake that Discord routes to this shard of `shardCount` ((id >> 22) % count): its
 * timestamp is moved back by less than `shardCount` ms to the nearest one of that shard.
 */
export function snowflakeOnShard(shardId: number, shardCount: number, now = Date.now()): string {
  const count = BigInt(shardCount);
  const stamp = BigInt(now) - DISCORD_EPOCH;
  const offBy = (((stamp - BigInt(shardId)) % count) + count) % count;
  increment = (increment + 1n) % 4096n;
  return (((stamp - offBy) << 22n) | increment).toString();
}

/** A random token-like string; Discord tokens are opaque to clients. */
export function randomToken(length = 68): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
