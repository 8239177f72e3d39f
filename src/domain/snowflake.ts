/** Discord's epoch (2015-01-01); snowflakes made here sort with real ones. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;
let sequence = 0n;

/** A fresh snowflake-shaped id, for messages that don't come from Discord (the terminal chat). */
export function localSnowflake(now = Date.now()): string {
  sequence = (sequence + 1n) & 0xf_ffn;
  return (((BigInt(now) - DISCORD_EPOCH_MS) << 22n) | (BigInt(process.pid & 0x3ff) << 12n) | sequence).toString();
}

/** The smallest snowflake of a moment: `after` it in Discord's message history is "since then". */
export function snowflakeAt(ms: number): string {
  return ((BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH_MS) << 22n).toString();
}
