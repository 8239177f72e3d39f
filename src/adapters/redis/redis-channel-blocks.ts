import type { Redis } from 'ioredis';
import { ErrorCodes } from '../../errors.js';
import type { LiftableBlocks } from '../../ports/channel-blocks.js';
import { feelbotKey } from './redis-connection.js';

/** Long enough to spare Discord a refused request per message; short enough that a fix by an admin shows soon. */
export const CHANNEL_BLOCK_SECONDS = 10 * 60;

/**
 * A deleted place's id is never reused, so its block only has to outlast its jobs' waits, and
 * BullMQ drops no waiting job: besides a burst window, rate-limit delays and retries, a reply waits
 * for as long as the workers are down or behind. A week outlasts an outage left over a weekend or a
 * holiday, at about a hundred bytes of Redis per deleted place.
 */
export const DELETED_PLACE_BLOCK_SECONDS = 7 * 24 * 60 * 60;

/** A left server's replies wait as long as a deleted place's; the bot added again lifts the block at once (GUILD_CREATE). */
export const LEFT_SERVER_BLOCK_SECONDS = DELETED_PLACE_BLOCK_SECONDS;

/** Lifts a place's block only when the given code set it, in one step: another code's block, set meanwhile, stays. */
const DELETE_IF_CODE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

/** How long a block under each code lasts; under any other code (an admin's problem), CHANNEL_BLOCK_SECONDS. */
const BLOCK_SECONDS: Readonly<Record<string, number>> = {
  [ErrorCodes.ChannelDeleted]: DELETED_PLACE_BLOCK_SECONDS,
  [ErrorCodes.GuildLeft]: LEFT_SERVER_BLOCK_SECONDS,
};

/** Blocked places in Redis, shared by every gateway and worker, each expiring on its own. */
export class RedisChannelBlocks implements LiftableBlocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async blockedBy(places: readonly string[]): Promise<string | undefined> {
    if (places.length === 0) return undefined;
    const codes = await this.redis.mget(...places.map((place) => this.key(place)));
    return codes.find((code) => code !== null) ?? undefined;
  }

  async block(place: string, code: string): Promise<void> {
    await this.redis.set(this.key(place), code, 'EX', BLOCK_SECONDS[code] ?? CHANNEL_BLOCK_SECONDS);
  }

  async unblock(place: string, code: string): Promise<boolean> {
    return (await this.redis.eval(DELETE_IF_CODE, 1, this.key(place), code)) === 1;
  }

  private key(place: string): string {
    return feelbotKey(this.prefix, 'blocked', place);
  }
}
