import type { GuildSettings } from '../domain/guild-settings.js';

export interface SettingsStore {
  /** A guild's settings, or the defaults when it has none yet. */
  get(guildId: string): Promise<GuildSettings>;
  /** Applies `change` atomically and returns the new settings; every process sees them at once. */
  update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings>;
}
