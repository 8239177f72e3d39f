import { errorCodeOf } from '../errors.js';
import { blockLeftServer, liftLeftServer } from '../jobs/blocked-places.js';
import type { LiftableBlocks } from '../ports/channel-blocks.js';
import type { LeftGuildJobs } from '../ports/left-guild-jobs.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsDeletion } from '../ports/settings-store.js';
import type { StoredGuilds } from '../ports/stored-guilds.js';
import { drainable, type Drainable } from './drainable.js';
import { isSnowflake, type ReadySession } from './ready-session.js';

export interface LeftGuildSweep {
  readonly session: ReadySession;
  /** Guilds that became the bot's after READY (GUILD_CREATE), added while the sweep runs: they keep their settings. */
  readonly joinedSince: ReadonlySet<string>;
}

export interface LeftGuildSweepDeps {
  readonly settings: StoredGuilds & SettingsDeletion;
  /** Where a left guild is blocked (GUILD_LEFT), so that a reply of it still queued or being written is not posted. */
  readonly blocks: Pick<LiftableBlocks, 'block' | 'unblock'>;
  /** The left guilds' queued jobs, with their members' text; also how guilds with jobs but no settings are found. */
  readonly jobs: LeftGuildJobs;
  readonly logger: Logger;
  /** Aborted when the gateway starts to stop: the next READY sweeps again, so it gives up at once. */
  readonly stopping?: AbortSignal;
}

/** Settles, on drain, once every sweep handed in has run or given up. */
export type LeftGuildSweeper = Drainable<LeftGuildSweep>;

/**
 * At READY, this shard's guilds that READY does not list are handled as a GUILD_DELETE would have:
 * the bot was removed from them while no gateway listened, so none came. Each one with settings or
 * queued jobs is blocked as left, its jobs are removed (with those a removal cut short by a stop set
 * aside) and its settings deleted. READY lists every guild of the session, unavailable ones too; a
 * RESUMED lists none, and is not swept. Every gateway of a shard may sweep at once: doing it twice is harmless.
 */
export function createLeftGuildSweeper(deps: LeftGuildSweepDeps): LeftGuildSweeper {
  return drainable((sweep: LeftGuildSweep) => sweepLeftGuilds(sweep, deps));
}

/** Whether Discord sends a guild's events to this shard: (guild_id >> 22) % num_shards, as Discord routes them. */
export function belongsToShard(guildId: string, shardId: number, shardCount: number): boolean {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount)) === shardId;
}

/** Never rejects: a sweep that cannot read or delete is logged with its code; the next READY sweeps again. */
async function sweepLeftGuilds({ session, joinedSince }: LeftGuildSweep, deps: LeftGuildSweepDeps): Promise<void> {
  const { shardId, shardCount, guildIds } = session;
  const log = deps.logger.child({ shardId, shardCount });
  // A stored id that is no snowflake was not written for a guild: it is left alone.
  const left = (guildId: string) =>
    isSnowflake(guildId) && belongsToShard(guildId, shardId, shardCount) && !guildIds.has(guildId) && !joinedSince.has(guildId);
  const seen = new Set<string>();
  let leftGuilds = 0;
  let deleted = 0;
  let removedJobs = 0;
  try {
    // Most SCAN batches hold no settings key: the listing itself stops reading once the stop begins.
    scan: for await (const batch of guildsToCheck(deps)) {
      for (const guildId of batch) {
        if (deps.stopping?.aborted) break scan;
        // Asked just before each deletion: a guild joined meanwhile keeps its settings.
        if (seen.has(guildId) || !left(guildId)) continue;
        seen.add(guildId);
        await blockLeftServer(guildId, deps.blocks);
        // Before the re-check: the jobs set aside were queued before any GUILD_CREATE it does not see, so may all go.
        await deps.jobs.setAside(guildId);
        // Its GUILD_CREATE may have come while the block was written, and lifted nothing yet.
        if (!left(guildId)) {
          await deps.jobs.restoreSetAside(guildId);
          await liftLeftServer(guildId, deps.blocks);
          continue;
        }
        leftGuilds++;
        if (await deps.settings.delete(guildId)) deleted++;
        removedJobs += (await deps.jobs.removeSetAside(guildId, deps.stopping)).removed;
        log.debug({ guildId }, 'deleted the settings and jobs of a guild READY did not list');
      }
    }
    const summary = { listed: guildIds.size, deleted, leftGuilds, removedJobs, stopped: deps.stopping?.aborted ?? false };
    log.info(summary, 'deleted the settings of guilds the bot left while no gateway listened');
  } catch (error) {
    const level = deps.stopping?.aborted ? 'debug' : 'error';
    log[level]({ err: error, code: errorCodeOf(error), deleted, removedJobs }, 'could not sweep the settings of guilds the bot left');
  }
}

/** The guilds with settings, then those with queued jobs (a guild never configured has none): batches that may repeat a guild. */
async function* guildsToCheck(deps: LeftGuildSweepDeps): AsyncIterable<readonly string[]> {
  yield* deps.settings.storedGuildIds(deps.stopping);
  yield* deps.jobs.guildsWithJobs(deps.stopping);
}
