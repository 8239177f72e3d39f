import type { Redis } from 'ioredis';
import { feelbotKey } from './redis-connection.js';

/** The ids of feelbot's persona webhooks in one channel, read from the workers' shared cache. */
export async function personaWebhookIds(redis: Redis, prefix: string, hostChannelId: string): Promise<Set<string>> {
  const stored = await redis.hvals(feelbotKey(prefix, 'webhooks', hostChannelId));
  return new Set(stored.map((raw) => (JSON.parse(raw) as { id: string }).id));
}
