import type { ChannelLookup } from '../ports/channel-lookup.js';
import { namedChannelIds } from '../domain/guild-settings.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsStore } from '../ports/settings-store.js';
import { drainable, type Drainable } from './drainable.js';
import type { DeletedChannel } from './on-channel-delete.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';

/** Why a guild is swept: it became available (at every start, on joining it), or one of its channels was deleted. */
export type SweepCause = 'guild available' | 'channel deleted';

export interface SweepRequest {
  readonly guildId: string;
  readonly cause: SweepCause;
}

/** The ids the gateway's cache holds for a guild: its channels, categories and active threads. */
export interface KnownChannels {
  has(channelId: string): boolean;
}

export interface SettingsSweepDeps {
  readonly settings: Pick<SettingsStore, 'get'>;
  /** What the gateway knows of the guild; undefined while the guild is unavailable, or not the bot's. */
  readonly knownChannels: (guildId: string) => KnownChannels | undefined;
  readonly channels: ChannelLookup;
  /** Forgets an id Discord says is gone, exactly as its deletion would; never rejects. */
  readonly forget: (gone: DeletedChannel) => Promise<void>;
  readonly logger: Logger;
  /** Aborted when the gateway starts to stop: a sweep is redone at the next start, so it gives up at once. */
  readonly stopping?: AbortSignal;
}

/** Settles, on drain, once every sweep handed in has run or given up. */
export type SettingsSweeper = Drainable<SweepRequest>;

/** Discord's global limit is 50 requests a second; one sweep stays within a second's worth, whatever a guild holds. */
const MAX_LOOKUPS_PER_SWEEP = 50;

/**
 * Settings that name a channel or thread Discord deleted unannounced (the threads of a deleted
 * channel) or while no gateway was listening are forgotten. Only ids the gateway does not know are
 * looked up, and only Discord's Unknown Channel forgets one: any other answer keeps it. Sweeps run
 * one at a time; a sweep already waiting for a guild serves a later request for it too. Every
 * gateway may sweep the same guild: forgetting is safe to repeat, and writes nothing twice.
 */
export function createSettingsSweeper(deps: SettingsSweepDeps): SettingsSweeper {
  let previous: Promise<void> = Promise.resolve();
  const waiting = new Map<string, Promise<void>>();
  return drainable((request: SweepRequest) => {
    const queued = waiting.get(request.guildId);
    if (queued) return queued;
    const run = previous.then(() => {
      // Running now: what changes from here on needs a sweep of its own.
      waiting.delete(request.guildId);
      return sweepGuild(request, deps);
    });
    waiting.set(request.guildId, run);
    previous = run;
    return run;
  });
}

/** At most `max` of `ids`, picked at random when there are more, so that sweeps to come reach the rest. */
export function lookupsFor(ids: readonly string[], max: number): string[] {
  const picked = [...ids];
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  return picked.slice(0, max);
}

/** Never rejects: a sweep that cannot read the settings is logged with its code, and changes nothing. */
async function sweepGuild({ guildId, cause }: SweepRequest, deps: SettingsSweepDeps): Promise<void> {
  const log = deps.logger.child({ guildId });
  if (deps.stopping?.aborted) return;
  try {
    const settings = await retryWhileRedisDown(() => deps.settings.get(guildId), { signal: deps.stopping, logger: log });
    const known = deps.knownChannels(guildId);
    if (!known) {
      log.debug({ cause }, 'not sweeping the settings of a guild the gateway does not hold');
      return;
    }
    const unknown = namedChannelIds(settings).filter((id) => !known.has(id));
    const tally = { checked: 0, gone: 0, unsure: 0 };
    for (const channelId of lookupsFor(unknown, MAX_LOOKUPS_PER_SWEEP)) {
      if (deps.stopping?.aborted) break;
      const existence = await deps.channels.existence(channelId, deps.stopping);
      tally.checked++;
      if (existence.state === 'gone') {
        await deps.forget({ guildId, channelId });
        tally.gone++;
      } else if (existence.state === 'unsure') {
        tally.unsure++;
        log.debug({ channelId, err: existence.error }, 'Discord did not say whether a channel the settings name exists; its settings stay');
      }
    }
    const summary = { cause, ...tally, unchecked: unknown.length - tally.checked, stopped: deps.stopping?.aborted ?? false };
    if (tally.checked > 0) log.info(summary, 'swept the settings of a guild');
    else log.debug(summary, 'swept the settings of a guild');
  } catch (error) {
    const level = deps.stopping?.aborted ? 'debug' : 'error';
    log[level]({ err: error, code: errorCodeOf(error), cause }, 'could not sweep the settings of a guild');
  }
}
