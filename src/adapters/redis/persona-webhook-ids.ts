import type { Redis } from 'ioredis';
import { feelbotKey } from './redis-connection.js';
import { webhookCacheKey } from './redis-webhook-cache.js';

/** A channel's set of webhooks feelbot ever posted through lives this long after its last addition. */
const KNOWN_WEBHOOKS_TTL_SECONDS = 90 * 24 * 60 * 60;

function knownKey(prefix: string, hostChannelId: string): string {
  return feelbotKey(prefix, 'persona-webhooks', hostChannelId);
}

/**
 * Remembers a webhook feelbot posts through in a channel. Kept apart from the workers' webhook
 * cache, which forgets a webhook once it is deleted or moved: the personas' messages posted
 * through it before still are the bot's (a reply to one is talking to the bot, and in a prompt
 * they are the bot's own turns).
 */
export async function recordPersonaWebhook(redis: Redis, prefix: string, hostChannelId: string, webhookId: string): Promise<void> {
  const key = knownKey(prefix, hostChannelId);
  await redis.multi().sadd(key, webhookId).expire(key, KNOWN_WEBHOOKS_TTL_SECONDS).exec();
}

/**
 * The ids of every webhook feelbot has posted through in one channel: those it remembers, and
 * those in the workers' cache (cached before it remembered them).
 */
export async function personaWebhookIds(redis: Redis, prefix: string, hostChannelId: string): Promise<Set<string>> {
  const [known, cached] = await Promise.all([redis.smembers(knownKey(prefix, hostChannelId)), redis.hvals(webhookCacheKey(prefix, hostChannelId))]);
  return new Set([...known, ...cached.map((raw) => (JSON.parse(raw) as { id: string }).id)]);
}
