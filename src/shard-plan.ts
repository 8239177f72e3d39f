/**
 * Which Discord shards one gateway runs: `auto`, every shard of the count Discord recommends
 * (GET /gateway/bot), or these ids out of `count`, the total across every gateway of the bot.
 */
export type ShardPlan = 'auto' | ListedShards;

export interface ListedShards {
  readonly ids: readonly number[];
  readonly count: number;
}

/**
 * No bot needs more: at Discord's 2,500 guilds a shard, that is over 160 million guilds. The bound
 * keeps a typo such as `0-99999999` from listing millions of shards.
 */
export const MAX_SHARD_COUNT = 65_536;

const ID = /^\d+$/;
const RANGE = /^(\d+)\s*-\s*(\d+)$/;

/** `0,1`, `0-3` or `0-3,8`, each shard once, in the order given; or why the text is none of those. */
export function parseShardIds(text: string): { readonly ids: readonly number[] } | { readonly problem: string } {
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') return { problem: 'lists an empty shard id (two commas, or one at an end)' };
    const range = RANGE.exec(item);
    if (!range && !ID.test(item)) return { problem: `\`${item}\` is no shard id or range: write auto, or ids such as 0,1 or 0-3` };
    const [first, last] = range ? [Number(range[1]), Number(range[2])] : [Number(item), Number(item)];
    if (last >= MAX_SHARD_COUNT) return { problem: `shard ${last} is past the last one allowed, ${MAX_SHARD_COUNT - 1}` };
    if (first > last) return { problem: `the range ${item} runs backwards: write ${last}-${first}` };
    for (let id = first; id <= last; id++) {
      if (seen.has(id)) return { problem: `lists shard ${id} more than once` };
      seen.add(id);
      ids.push(id);
    }
  }
  return { ids };
}

/** A problem with DISCORD_SHARDS and DISCORD_SHARD_COUNT taken together, and the setting it is reported under. */
export interface ShardPlanProblem {
  readonly setting: 'DISCORD_SHARDS' | 'DISCORD_SHARD_COUNT';
  readonly message: string;
}

/** What is wrong with these shards and this count together; undefined when they make a plan. */
export function shardPlanProblem(shards: 'auto' | readonly number[], count: number | undefined): ShardPlanProblem | undefined {
  if (shards === 'auto') {
    if (count === undefined) return undefined;
    return {
      setting: 'DISCORD_SHARD_COUNT',
      message: 'is set, but DISCORD_SHARDS is auto (every shard Discord recommends, in this gateway): list this gateway’s shard ids in DISCORD_SHARDS (e.g. 0-3), or unset DISCORD_SHARD_COUNT',
    };
  }
  if (count === undefined) {
    return { setting: 'DISCORD_SHARD_COUNT', message: 'is required when DISCORD_SHARDS lists shard ids: the total number of shards across every gateway of the bot' };
  }
  const outside = shards.find((id) => id >= count);
  if (outside === undefined) return undefined;
  return { setting: 'DISCORD_SHARDS', message: `lists shard ${outside}, but DISCORD_SHARD_COUNT is ${count}: shard ids run from 0 to ${count - 1}` };
}
