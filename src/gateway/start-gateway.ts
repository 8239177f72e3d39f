import { Events, GatewayCloseCodes, type Client, type Message, type PartialMessage } from 'discord.js';
import { MessageQueue } from '../adapters/bullmq/message-queue.js';
import { createRedis } from '../adapters/redis/redis-connection.js';
import type { RedisDataWatch } from '../adapters/redis/redis-data-watch.js';
import { RedisAnalysisLimiter } from '../adapters/redis/redis-analysis-limiter.js';
import { RedisDeletedMessages } from '../adapters/redis/redis-deleted-messages.js';
import { RedisEditedMessages } from '../adapters/redis/redis-edited-messages.js';
import { RedisRateLimiter } from '../adapters/redis/redis-rate-limiter.js';
import { RedisReplyPersonas } from '../adapters/redis/redis-reply-personas.js';
import { RedisSettingsStore } from '../adapters/redis/redis-settings-store.js';
import { RedisWebhookCache } from '../adapters/redis/redis-webhook-cache.js';
import { RedisChannelBlocks } from '../adapters/redis/redis-channel-blocks.js';
import { requireDiscordToken, type Config } from '../config.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import { withinMs } from '../time-limit.js';
import type { Logger } from '../ports/logger.js';
import { createDiscordClient } from './create-client.js';
import { warnOfInvalidRequests } from '../adapters/discord/invalid-requests.js';
import { RestChannelLookup } from '../adapters/discord/channel-existence.js';
import { identifiedShards, loginFailure } from './login-failure.js';
import { logInUnlessStopped } from './log-in-unless-stopped.js';
import { drainable } from './drainable.js';
import { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import { createInteractionHandler } from './commands/on-interaction.js';
import { createMessageHandler } from './on-message-create.js';
import { createDeletionHandler } from './on-message-delete.js';
import { createContextEditHandler } from './on-message-update.js';
import { forgettingEdits } from './forget-edits-of-deleted.js';
import { createChannelDeletionHandler, listenForDeletedChannels } from './on-channel-delete.js';
import { createGuildRemovalHandler, listenForGuildRemovals } from './on-guild-delete.js';
import { createSettingsSweeper } from './sweep-stale-settings.js';
import { sweepFinishedJobs } from './finished-job-sweeps.js';
import { cachedChannels, listenForSweeps } from './listen-for-sweeps.js';
import { createLeftGuildSweeper } from './sweep-left-guilds.js';
import { listenForReadies } from './listen-for-readies.js';
import { listenForUncachedDms } from './listen-for-uncached-dms.js';
import { loadPersonas } from '../adapters/files/persona-file.js';

export interface RunningGateway {
  readonly client: Client;
  /**
   * Resolves (it never rejects) with a DISCORD_SESSION_CLOSED error once Discord closes one of the
   * gateway's shards for good: it stays deaf to that shard's servers until a restart, so its command
   * stops it and exits non-zero for its supervisor to start another.
   */
  readonly closedForGood: Promise<FeelbotError>;
  stop(): Promise<void>;
}

/** How long a stopping gateway waits for the messages, edits, deletions and commands in hand to reach Redis (it may be down). */
const DRAIN_MS = 10_000;
/** The events a stopping gateway stops taking in before it drains what it holds. */
const INTAKE_EVENTS = [Events.MessageCreate, Events.MessageUpdate, Events.MessageDelete, Events.MessageBulkDelete, Events.InteractionCreate] as const;
/** How often finished jobs past their retention are swept out of Redis. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

/**
 * Process 1: reads Discord, queues work. It holds no model and no state besides Redis. `stop` (a
 * stop signal while Discord is slow to let it log in) ends the start-up: the client is destroyed,
 * nothing runs after it (no READY sweep), and the promise rejects with the stop's reason.
 * `dataWatch` holds what the process's start-up checks found at Redis, for its connection to warn
 * of AOF off and tell of data lost; without one it says neither.
 */
export async function startGateway(config: Config, logger: Logger, stop?: AbortSignal, dataWatch?: RedisDataWatch): Promise<RunningGateway> {
  stop?.throwIfAborted();
  const token = requireDiscordToken(config);
  // The operator's names, which a server's look may not give another persona; read before any connection opens.
  const personas = await loadPersonas(config.personasFile);
  const redis = createRedis(config.redis.url, 'producer', 'feelbot-gateway', logger, { dataWatch });
  const queue = new MessageQueue(redis, config.redis.prefix);
  const settings = new RedisSettingsStore(redis, config.redis.prefix);
  const client = createDiscordClient(config.discord.apiUrl, config.discord.shards);
  warnOfInvalidRequests(client.rest, logger);
  const shutdown = new AbortController();
  // Settings sweeps are redone at every start, so a stopping gateway gives them up at once instead of draining them.
  const sweepsStopping = new AbortController();
  const bursts = new BurstBuffer(redis, config.redis.prefix, config.burstWindowMs);
  const deleted = new RedisDeletedMessages(redis, config.redis.prefix);
  const edited = new RedisEditedMessages(redis, config.redis.prefix);
  const onDelete = createDeletionHandler({
    deleted: forgettingEdits(deleted, edited),
    queue,
    bursts,
    logger,
    shutdown: shutdown.signal,
  });
  const messages = createMessageHandler({
    queue,
    settings,
    bursts,
    deleted,
    onDeleted: onDelete,
    limiter: new RedisRateLimiter(redis, config.redis.prefix),
    replyPersonas: new RedisReplyPersonas(redis, config.redis.prefix),
    redis,
    prefix: config.redis.prefix,
    recentMessages: config.contextMessages,
    logger,
    shutdown: shutdown.signal,
  });
  const onContextEdit = createContextEditHandler({ edited, deleted, settings, logger, shutdown: shutdown.signal });
  const webhooks = new RedisWebhookCache(redis, config.redis.prefix);
  const blocks = new RedisChannelBlocks(redis, config.redis.prefix);
  const onChannelDelete = createChannelDeletionHandler({ settings, webhooks, blocks, logger, shutdown: shutdown.signal });
  const onGuildDelete = createGuildRemovalHandler({ settings, webhooks, blocks, jobs: queue.guildJobs, logger, shutdown: shutdown.signal });
  const leftGuildSweep = createLeftGuildSweeper({ settings, blocks, jobs: queue.guildJobs, logger, stopping: sweepsStopping.signal });
  const settingsSweep = createSettingsSweeper({
    settings,
    knownChannels: cachedChannels(client),
    channels: new RestChannelLookup(client.rest),
    forget: onChannelDelete,
    logger,
    stopping: sweepsStopping.signal,
  });
  // Drained like a message: a /feel whose "thinking…" is on its way must still be queued, a /feelbot change still answered.
  const onInteraction = drainable(
    createInteractionHandler({
      queue,
      settings,
      personas,
      analysisLimiter: new RedisAnalysisLimiter(redis, config.redis.prefix),
      logger,
    }),
  );
  client.on(Events.MessageCreate, (message) => void messages.handle(message));
  const onUpdate = (before: Message | PartialMessage | undefined, after: Message | PartialMessage) => {
    // An uncached message whose update does not say who wrote it cannot be placed in a burst, nor read.
    if (after.partial) return;
    void messages.revise(before, after);
    void onContextEdit(before, after);
  };
  client.on(Events.MessageUpdate, onUpdate);
  client.on(Events.MessageDelete, (message) => void onDelete([message.id]));
  client.on(Events.MessageBulkDelete, (removed) => void onDelete([...removed.keys()]));
  client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction));
  const stopDeletedChannels = listenForDeletedChannels(client, onChannelDelete);
  const stopGuildRemovals = listenForGuildRemovals(client, onGuildDelete);
  const stopSweeps = listenForSweeps(client, settingsSweep);
  const stopReadies = listenForReadies(client, leftGuildSweep, logger);
  const stopUncachedDms = listenForUncachedDms(client, { deleted: (ids) => void onDelete(ids), edited: onUpdate, logger });
  const onReady = (ready: Client<true>) => logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'gateway ready');
  client.once(Events.ClientReady, onReady);
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  const finishedJobSweeps = sweepFinishedJobs(queue, logger, SWEEP_INTERVAL_MS);
  // Takes in no new events and ends the sweeps: at a stop, and after a start-up that failed or was stopped (no READY sweep then).
  const stopListening = () => {
    finishedJobSweeps.stop();
    for (const event of INTAKE_EVENTS) client.removeAllListeners(event);
    client.off(Events.ClientReady, onReady);
    stopDeletedChannels();
    stopGuildRemovals();
    stopSweeps();
    stopReadies();
    stopUncachedDms();
    sweepsStopping.abort();
  };
  // discord.js rejects a 4014 with a bare "Used disallowed intents"; the close code says which failure it was.
  let closeCode: number | undefined;
  const onDisconnect = (event: { code: number }) => {
    closeCode = event.code;
  };
  client.on(Events.ShardDisconnect, onDisconnect);
  try {
    // Before Discord: a queue BullMQ could not set up on Redis would drop every message it is given.
    await queue.ready();
    await logInUnlessStopped(client, token, stop);
  } catch (error) {
    // discord.js has destroyed its client (or never started it); the Redis side must go too, or the process never exits.
    stopListening();
    await queue.close().catch(() => undefined);
    redis.disconnect();
    if (stop?.aborted) throw stop.reason;
    throw isFeelbotError(error, ErrorCodes.RedisUnavailable) ? error : loginFailure(error, config.discord.apiUrl, closeCode, identifiedShards(client));
  } finally {
    client.off(Events.ShardDisconnect, onDisconnect);
  }
  // discord.js emits this only for the codes it never reconnects after (a token reset's 4004, 4010–4014);
  // after a resumable close (1001, 4000, 4009) it reconnects instead, and /healthz is down meanwhile.
  const closedForGood = new Promise<FeelbotError>((resolve) => {
    client.on(Events.ShardDisconnect, (event, shardId) => {
      logger.error({ shardId, closeCode: event.code }, 'Discord closed a shard for good; stopping the gateway for a restart');
      resolve(sessionClosedForGood(shardId, event.code));
    });
  });
  return {
    client,
    closedForGood,
    async stop() {
      // No new events after this; the messages, edits, deletions and commands in hand get a moment to
      // reach Redis. The client stays up meanwhile: a message in hand still reads its context, and a
      // command answers, over Discord's REST API, which the client's destroy() would cut off.
      stopListening();
      const inHand = () =>
        Promise.all([messages.drain(), onContextEdit.drain(), onDelete.drain(), onChannelDelete.drain(), onGuildDelete.drain(), settingsSweep.drain(), leftGuildSweep.drain()]);
      // A command takes no shutdown signal (it never retries Redis), nor does a sweep of finished jobs: one still running at DRAIN_MS is left to fail as Redis closes.
      const drained = await withinMs(Promise.all([inHand(), onInteraction.drain(), finishedJobSweeps.drain()]), DRAIN_MS).then(() => true, () => false);
      if (!drained) {
        shutdown.abort();
        await inHand();
      }
      await client.destroy();
      await queue.close();
      redis.disconnect();
    },
  };
}

/** Why a running gateway stops after Discord closed shard `shardId` with `closeCode`, one discord.js never reconnects after. */
function sessionClosedForGood(shardId: number, closeCode: number): FeelbotError {
  const name = (GatewayCloseCodes as Record<number, string | undefined>)[closeCode] ?? 'unknown';
  return new FeelbotError(
    ErrorCodes.DiscordSessionClosed,
    `Discord closed shard ${shardId}'s session for good (close code ${closeCode}, ${name}); discord.js does not reconnect after it, so the gateway stopped for its supervisor to restart it. A restart logs in again; should Discord turn it away too, start-up says what to change.`,
    { userFacing: true, details: { shardId, closeCode } },
  );
}
