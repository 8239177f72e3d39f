/** What a READY says of its session: the shard it is, and every guild of that shard the bot is in. */
export interface ReadySession {
  readonly shardId: number;
  readonly shardCount: number;
  /** Every guild of the session, unavailable ones too (at READY, all of them are). */
  readonly guildIds: ReadonlySet<string>;
}

/** A guild id: a snowflake, decimal digits. */
export function isSnowflake(id: string): boolean {
  return /^\d{1,20}$/.test(id);
}

/**
 * The session a raw READY describes; undefined when the payload is not one whole list, so that
 * nothing is ever deleted because of a partial list. No `shard` means an unsharded session: [0, 1].
 */
export function readySessionOf(data: unknown): ReadySession | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { guilds, shard = [0, 1] } = data as { guilds?: unknown; shard?: unknown };
  if (!Array.isArray(guilds)) return undefined;
  const [shardId, shardCount]: unknown[] = Array.isArray(shard) ? shard : [];
  if (typeof shardId !== 'number' || typeof shardCount !== 'number') return undefined;
  if (!Number.isInteger(shardId) || !Number.isInteger(shardCount) || shardId < 0 || shardId >= shardCount) return undefined;
  const guildIds = new Set<string>();
  for (const guild of guilds as unknown[]) {
    const id = typeof guild === 'object' && guild !== null ? (guild as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !isSnowflake(id)) return undefined;
    guildIds.add(id);
  }
  return { shardId, shardCount, guildIds };
}
