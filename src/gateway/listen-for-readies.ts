import { GatewayDispatchEvents, type Client } from 'discord.js';
import type { Logger } from '../ports/logger.js';
import { readySessionOf } from './ready-session.js';
import type { LeftGuildSweeper } from './sweep-left-guilds.js';

/**
 * Hands the sweeper every READY (a new session: at start, and after a session Discord would not
 * resume), with the guilds that arrive by GUILD_CREATE while it runs. A RESUMED is not a READY and
 * lists no guilds. Returns what stops listening.
 */
export function listenForReadies(client: Client, sweep: LeftGuildSweeper, logger: Logger): () => void {
  const running = new Set<Set<string>>();
  const onReady = (data: unknown) => {
    const session = readySessionOf(data);
    if (!session) {
      logger.warn('READY did not list its guilds and shard as expected; no settings of left guilds are deleted');
      return;
    }
    const joinedSince = new Set<string>();
    running.add(joinedSince);
    void sweep({ session, joinedSince }).finally(() => running.delete(joinedSince));
  };
  const onGuildCreate = (data: unknown) => {
    const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
    if (typeof id === 'string') for (const joined of running) joined.add(id);
  };
  client.ws.on(GatewayDispatchEvents.Ready, onReady);
  client.ws.on(GatewayDispatchEvents.GuildCreate, onGuildCreate);
  return () => {
    client.ws.off(GatewayDispatchEvents.Ready, onReady);
    client.ws.off(GatewayDispatchEvents.GuildCreate, onGuildCreate);
  };
}
