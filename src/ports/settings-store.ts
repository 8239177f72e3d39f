import type { GuildSettings } from '../domain/guild-settings.js';

export interface SettingsStore {
  /**
   * A guild's settings, or the defaults when it has none yet. What this version cannot read (a
   * field written by another version) reads as its default.
   */
  get(guildId: string): Promise<GuildSettings>;
  /**
   * Applies `change` atomically and returns the new settings; every process sees them at once.
   * Stored fields this version cannot read are written back as they were; stored settings that are
   * no JSON object at all are not overwritten (SETTINGS_UNREADABLE).
   */
  update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings>;
}
