/**
 * The guilds that have settings stored, listed so the gateway can find those of guilds the bot left
 * while no gateway listened. Apart from SettingsStore because only the gateway lists them.
 */
export interface StoredGuilds {
  /**
   * Every guild id with settings stored, a batch at a time, without holding up the store for the
   * others; an id may come twice, and one stored meanwhile may not come at all. Once `signal` is
   * aborted nothing more is read, and the listing ends early.
   */
  storedGuildIds(signal?: AbortSignal): AsyncIterable<readonly string[]>;
}
