import type { Redis } from 'ioredis';

/**
 * For each message (KEYS in threes: post-noted, post-begun, post-attempt), deletes each key only
 * while it still holds what one run noted: its note (ARGV[1]), its begun time (ARGV[2]), its text
 * attempt begun then. Whatever another worker noted since, this release's or the previous one's, stays.
 * The text attempt's time is matched in its JSON, not decoded: Redis's cjson refuses escapes that
 * JSON.stringify writes (a lone surrogate), and a quote inside the text is always escaped.
 */
const DELETE_OWN_ATTEMPT = `
for i = 1, #KEYS, 3 do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
  if redis.call('GET', KEYS[i + 1]) == ARGV[2] then redis.call('DEL', KEYS[i + 1]) end
  local older = redis.call('GET', KEYS[i + 2])
  if older and string.find(older, '"startedAt":' .. ARGV[2] .. '[,}]') then redis.call('DEL', KEYS[i + 2]) end
end
`;

/**
 * Deletes a run's attempt keys (`keys`, in threes per message) where they still hold its `noted`
 * JSON and its `startedAt`, in one step: a note another worker writes meanwhile is never deleted.
 */
export async function deleteOwnAttempt(redis: Redis, keys: readonly string[], noted: string, startedAt: number): Promise<void> {
  await redis.eval(DELETE_OWN_ATTEMPT, keys.length, ...keys, noted, String(startedAt));
}
