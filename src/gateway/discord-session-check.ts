import { Status, type Client } from 'discord.js';
import type { HealthCheck } from '../http/routes/health-route.js';

/** /healthz's view of the gateway: alive but logged out of Discord is not healthy, and an orchestrator should restart it. */
export function discordSessionCheck(client: Client): HealthCheck {
  return async () => (client.ws.status === Status.Ready ? 'up' : 'down');
}
