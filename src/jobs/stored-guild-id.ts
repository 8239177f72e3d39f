/** What a Discord id looks like. */
const SNOWFLAKE = /^\d{1,20}$/;

/**
 * The guild a job's stored data names, read before (or without) its schema: a malformed job or
 * one of another version still says its server. A guild id that is no snowflake is left out: it
 * could hold anything, a token too.
 */
export function storedGuildId(data: unknown): string | undefined {
  const guildId = typeof data === 'object' && data !== null && 'guildId' in data ? data.guildId : undefined;
  return typeof guildId === 'string' && SNOWFLAKE.test(guildId) ? guildId : undefined;
}
