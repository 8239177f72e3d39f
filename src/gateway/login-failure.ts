import { GatewayCloseCodes, GatewayIntentBits, type Client } from 'discord.js';
import { startUpRequestFailure, tokenRefused } from '../adapters/discord/start-up-request-failure.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import type { ListedShards } from '../shard-plan.js';
import { GATEWAY_INTENTS } from './create-client.js';

/** The privileged intents, as the developer portal names them under Bot → Privileged Gateway Intents. */
const PRIVILEGED_INTENT_NAMES: ReadonlyMap<GatewayIntentBits, string> = new Map([
  [GatewayIntentBits.GuildPresences, 'Presence Intent'],
  [GatewayIntentBits.GuildMembers, 'Server Members Intent'],
  [GatewayIntentBits.MessageContent, 'Message Content Intent'],
]);

const PORTAL_URL = 'https://discord.com/developers/applications';

/** What to set when Discord turns the gateway's shards away. */
const SHARD_SETTINGS_ADVICE =
  'Set DISCORD_SHARDS=auto to run every shard Discord recommends in this gateway, or split them over gateways: DISCORD_SHARD_COUNT the total across all of them (at least the `shards` GET /gateway/bot recommends) and DISCORD_SHARDS each one\'s ids below it (e.g. 0-3).';

/**
 * Why Discord turned the bot away at start-up: intents the portal has not enabled (close 4014), a
 * bad token (gateway close 4004), too few shards (4011) or a shard it refuses (4010), else as any
 * start-up request (startUpRequestFailure). `closeCode` is the gateway's last unrecoverable close
 * code, when there was one; `shards` what the gateway identified as, when it got that far.
 */
export function loginFailure(error: unknown, apiUrl: string, closeCode?: number, shards?: ListedShards): FeelbotError {
  if (closeCode === GatewayCloseCodes.DisallowedIntents) {
    return new FeelbotError(
      ErrorCodes.ConfigInvalid,
      `Discord refused the gateway intents (close code 4014). Enable ${privilegedIntentNames()} for the bot under Bot → Privileged Gateway Intents at ${PORTAL_URL}.`,
      { cause: error, userFacing: true, permanent: true },
    );
  }
  if (closeCode === GatewayCloseCodes.AuthenticationFailed) return tokenRefused(error);
  if (closeCode === GatewayCloseCodes.ShardingRequired || closeCode === GatewayCloseCodes.InvalidShard) {
    const why = closeCode === GatewayCloseCodes.ShardingRequired ? 'requires more shards for the bot\'s servers (close code 4011, Sharding Required)' : 'refused a shard (close code 4010, Invalid Shard)';
    return new FeelbotError(ErrorCodes.ConfigInvalid, `Discord ${why}${shards ? ` while this gateway ran ${describeShards(shards)}` : ''}. ${SHARD_SETTINGS_ADVICE}`, {
      cause: error,
      userFacing: true,
      permanent: true,
      details: { closeCode, ...(shards ? { shardIds: shards.ids, shardCount: shards.count } : {}) },
    });
  }
  return startUpRequestFailure(error, apiUrl);
}

/** The shards a client identified as: discord.js sets its options to the ids and count it connects. */
export function identifiedShards(client: Client): ListedShards | undefined {
  const { shards, shardCount } = client.options;
  return Array.isArray(shards) && typeof shardCount === 'number' ? { ids: shards, count: shardCount } : undefined;
}

/** `shard 0 of 1`, `shards 0-63 of 64`, `shards 1, 3 of 4`: runs of ids as ranges, so 64 shards read as one. */
function describeShards({ ids, count }: ListedShards): string {
  const runs: [number, number][] = [];
  for (const id of ids) {
    const last = runs.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else runs.push([id, id]);
  }
  const listed = runs.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(', ');
  return `${ids.length === 1 ? 'shard' : 'shards'} ${listed} of ${count}`;
}

function privilegedIntentNames(): string {
  const names = GATEWAY_INTENTS.flatMap((intent) => PRIVILEGED_INTENT_NAMES.get(intent) ?? []);
  return names.join(' and ');
}
