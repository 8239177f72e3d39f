import { Status, type Client } from 'discord.js';
import type { HealthCheck } from '../http/routes/health-route.js';

/**
 * /healthz's view of the gateway: up only while every shard it runs is in session. A shard
 * reconnecting is down until it resumes; one Discord closed for good stays down until the gateway,
 * which then stops (`closedForGood`), has exited. (`client.ws.status` stays Ready once all were ready.)
 */
export function discordSessionCheck(client: Client): HealthCheck {
  return async () => {
    const shards = [...client.ws.shards.values()];
    return shards.length > 0 && shards.every((shard) => shard.status === Status.Ready) ? 'up' : 'down';
  };
}
