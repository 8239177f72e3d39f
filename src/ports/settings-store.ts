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
   * no JSON object at all are not overwritten (SETTINGS_UNREADABLE). A change that leaves the
   * settings as they were writes nothing, so it never brings back settings deleted meanwhile.
   */
  update(guildId: string, change: (current: GuildSettings) => GuildSettings): Promise<GuildSettings>;
}

/**
 * Deleting a guild's settings outright, when the bot leaves the guild. Apart from SettingsStore
 * because only the gateway does it; the worker and the commands never delete a guild's settings.
 */
export interface SettingsDeletion {
  /** Deletes every setting of the guild; later reads see the defaults. Resolves whether it had any. Safe to repeat. */
  delete(guildId: string): Promise<boolean>;
}
