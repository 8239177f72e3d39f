import { GatewayDispatchEvents, type Client } from 'discord.js';
import { deletedChannelOf } from './on-channel-delete.js';
import type { KnownChannels, SettingsSweeper } from './sweep-stale-settings.js';

/**
 * Hands the sweeper every guild that becomes available (raw GUILD_CREATE: at every start, on
 * joining, after an outage) and every guild one of whose channels was deleted (raw CHANNEL_DELETE,
 * so that the threads Discord deleted with it, unannounced, are looked up). Returns what stops listening.
 */
export function listenForSweeps(client: Client, sweep: SettingsSweeper): () => void {
  const onGuildCreate = (data: unknown) => {
    const guildId = availableGuildOf(data);
    if (guildId) void sweep({ guildId, cause: 'guild available' });
  };
  const onChannelDelete = (data: unknown) => {
    const deleted = deletedChannelOf(data);
    if (deleted) void sweep({ guildId: deleted.guildId, cause: 'channel deleted' });
  };
  client.ws.on(GatewayDispatchEvents.GuildCreate, onGuildCreate);
  client.ws.on(GatewayDispatchEvents.ChannelDelete, onChannelDelete);
  return () => {
    client.ws.off(GatewayDispatchEvents.GuildCreate, onGuildCreate);
    client.ws.off(GatewayDispatchEvents.ChannelDelete, onChannelDelete);
  };
}

/**
 * The channels, categories and active threads the client's cache holds for an available guild.
 * The raw dispatch is emitted before discord.js caches it, but a sweep reads this only later, after an await.
 */
export function cachedChannels(client: Client): (guildId: string) => KnownChannels | undefined {
  return (guildId) => {
    const guild = client.guilds.cache.get(guildId);
    return guild?.available ? guild.channels.cache : undefined;
  };
}

/** The id a GUILD_CREATE names; undefined for a guild still `unavailable` in an outage, whose channels it does not list. */
export function availableGuildOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { id, unavailable } = data as { id?: unknown; unavailable?: unknown };
  return typeof id === 'string' && unavailable !== true ? id : undefined;
}
