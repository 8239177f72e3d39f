import { createDiscordRest, REST_TIMEOUT_MS } from '../adapters/discord/discord-rest.js';
import { DiscordTypingIndicator } from '../adapters/discord/discord-typing-indicator.js';
import { WebhookDirectory } from '../adapters/discord/webhook-directory.js';
import { EmojiAvatars } from '../adapters/discord/emoji-avatars.js';
import { RefusedOwnWebhooks } from '../adapters/discord/persona-webhook.js';
import { WebhookReplier } from '../adapters/discord/webhook-replier.js';
import { LogChannelNotifier } from '../adapters/discord/log-channel-notifier.js';
import { RestMessageLookup } from '../adapters/discord/message-existence.js';
import { AvatarStore } from '../adapters/files/avatar-store.js';
import { loadPersonas } from '../adapters/files/persona-file.js';
import { checkRedisReachable } from '../adapters/redis/check-redis-reachable.js';
import { claimQueuePrefix } from '../adapters/redis/queue-prefix-claim.js';
import { createRedis } from '../adapters/redis/redis-connection.js';
import { RedisDataWatch } from '../adapters/redis/redis-data-watch.js';
import { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import { BurstJobCatchUp } from '../adapters/bullmq/burst-job-catch-up.js';
import { RedisChannelBlocks } from '../adapters/redis/redis-channel-blocks.js';
import { RedisDeletedMessages } from '../adapters/redis/redis-deleted-messages.js';
import { RedisEditedMessages } from '../adapters/redis/redis-edited-messages.js';
import { RedisRateLimiter } from '../adapters/redis/redis-rate-limiter.js';
import { RedisReplyPersonas } from '../adapters/redis/redis-reply-personas.js';
import { RedisDeliveryLedger } from '../adapters/redis/redis-delivery-ledger.js';
import { RedisPrivateFollowUps } from '../adapters/redis/redis-private-follow-ups.js';
import { RedisSettingsStore } from '../adapters/redis/redis-settings-store.js';
import { requireDiscordToken, type Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import { NO_METRICS, type Metrics } from '../ports/metrics.js';
import { certainApplicationId } from '../adapters/discord/application-id.js';
import { checkAvatarFiles } from './check-avatar-files.js';
import { checkLoraFiles } from './check-lora-files.js';
import { checkPersonasFitEngines } from './check-personas-fit-engines.js';
import { createEngines } from './create-engines.js';
import { giveUpHandlers } from './give-up-handlers.js';
import { measureSequenceWait } from './measure-sequence-wait.js';
import { boundWebhookCaches } from './bound-webhook-caches.js';
import { RedisWebhookCache } from '../adapters/redis/redis-webhook-cache.js';
import { createJobWorker } from './job-worker.js';
import { RoutingReplier } from './routing-replier.js';
import { TerminalReplier } from '../adapters/redis/terminal-replier.js';
import { handleMessageJob, type MessageJobDeps } from '../jobs/handle-message-job.js';
import { ofLeftServer } from '../jobs/blocked-places.js';
import { handleAnalysisJob, type AnalysisJobDeps } from '../jobs/handle-analysis-job.js';
import { InteractionWebhookResponder } from '../adapters/discord/interaction-webhook-responder.js';
import { renderEmotionChart } from '../adapters/images/emotion-chart.js';
import { chartColors } from '../domain/persona-colors.js';
import { applicationIdFailure } from '../adapters/discord/application-id-failure.js';

/** In-flight replies get this long to finish on SIGTERM before they are aborted and retried later. */
export const SHUTDOWN_GRACE_MS = 20_000;

export interface RunningWorker {
  /** The worker's classifier, shared with the HTTP API in `feelbot start`. */
  readonly classifier: EmotionClassifier;
  stop(): Promise<void>;
}

/**
 * Process 2: loads each model once, then drains the queue. Models load before the worker takes
 * its first job, so a missing model fails at start-up, not per message. `signal` (a stop during
 * start-up) cancels a model download, keeping its partial file, and ends start-up with INTERRUPTED;
 * a worker it stopped has taken no job. Its start-up checks note what they find at Redis in
 * `dataWatch`, which its connection reads; a process that also runs a gateway passes the one both share.
 */
export async function startWorker(
  config: Config,
  logger: Logger,
  metrics: Metrics = NO_METRICS,
  signal?: AbortSignal,
  dataWatch: RedisDataWatch = new RedisDataWatch(),
): Promise<RunningWorker> {
  const token = requireDiscordToken(config);
  const personas = await loadPersonas(config.personasFile);
  await checkLoraFiles(personas);
  const avatars = new AvatarStore();
  await checkAvatarFiles(personas, avatars, config.avatarBaseUrl);
  // Before the models, whose load (or first download) can take minutes: a Redis that is down is told at once.
  await checkRedisReachable(config.redis.url, undefined, dataWatch);
  const engines = await createEngines(config, logger, metrics, { signal });
  if (signal?.aborted) {
    // Stopped while the models loaded: no queue connection is opened only to be closed again.
    await engines.dispose();
    throw signal.reason;
  }
  await checkPersonasFitEngines(personas, config, engines);
  const { generator, classifier } = engines;
  const rest = createDiscordRest(config.discord.apiUrl, token, { logger });
  // Creates and posts: Discord may have done them before a 5xx, so they are never sent twice by the client.
  const onceRest = createDiscordRest(config.discord.apiUrl, token, { repeatsFailedRequests: false, logger });
  // Before the first job: under another bot's prefix this worker would take that bot's jobs and post with this bot's token.
  // After the models, so a missing model is told without asking Discord anything.
  const claimedFor = await claimQueuePrefixFor(() => certainApplicationId(rest, config, logger, signal), config, dataWatch, signal).catch(async (error: unknown) => {
    await engines.dispose();
    throw error;
  });
  // The webhooks tell the bot's own by the id the prefix was claimed for, never by a later guess from the token.
  const applicationId = () => Promise.resolve(claimedFor);
  const redis = createRedis(config.redis.url, 'worker', 'feelbot-worker', logger, { dataWatch });
  const webhooks = new WebhookDirectory(rest, redis, config.redis.prefix, applicationId, { createRest: onceRest });
  boundWebhookCaches(new RedisWebhookCache(redis, config.redis.prefix), logger);
  const settings = new RedisSettingsStore(redis, config.redis.prefix);
  const messageDeps: MessageJobDeps = {
    classifier,
    generator: measureSequenceWait(generator, 'reply', metrics),
    personas,
    settings,
    replier: new RoutingReplier({
      discord: new WebhookReplier(rest, webhooks, avatars, {
        avatarBaseUrl: config.avatarBaseUrl,
        emojiAvatars: new EmojiAvatars(rest, redis, config.redis.prefix, avatars, applicationId, { cdnUrl: config.discord.cdnUrl, createRest: onceRest, logger }),
        refusedOwnWebhooks: new RefusedOwnWebhooks(redis, config.redis.prefix),
        postRest: onceRest,
      }),
      terminal: new TerminalReplier(redis, config.redis.prefix),
    }),
    ledger: new RedisDeliveryLedger(redis, config.redis.prefix),
    typing: new DiscordTypingIndicator(rest, logger),
    logger,
    metrics,
    // A post: repeated by the client after a 5xx, a notice Discord had posted would appear again.
    notifier: new LogChannelNotifier(onceRest, redis, config.redis.prefix, settings, logger),
    limiter: new RedisRateLimiter(redis, config.redis.prefix),
    deleted: new RedisDeletedMessages(redis, config.redis.prefix),
    edited: new RedisEditedMessages(redis, config.redis.prefix),
    blocks: new RedisChannelBlocks(redis, config.redis.prefix),
    messageLookup: new RestMessageLookup(rest),
    replyPersonas: new RedisReplyPersonas(redis, config.redis.prefix),
    bursts: new BurstJobCatchUp(redis, config.redis.prefix, new BurstBuffer(redis, config.redis.prefix, config.burstWindowMs)),
  };
  const analysisDeps: AnalysisJobDeps = {
    classifier,
    generator: measureSequenceWait(generator, 'feel', metrics),
    personas,
    settings,
    responder: new InteractionWebhookResponder(rest, { postRest: onceRest, followUps: new RedisPrivateFollowUps(redis, config.redis.prefix) }),
    blocks: messageDeps.blocks,
    renderChart: (scores, set) => renderEmotionChart(scores, chartColors(set)),
    avatarImage: (persona) => avatars.image(persona),
    avatarUrl: (persona) => avatars.publicUrl(persona, config.avatarBaseUrl),
    logger,
    metrics,
  };
  const running = createJobWorker(
    redis,
    config.redis.prefix,
    {
      // The typing indicator logs its failures; built on the job's logger, they carry jobId and guildId.
      reply: (data, log, signal, run) =>
        handleMessageJob(data, { ...messageDeps, logger: log, typing: new DiscordTypingIndicator(rest, log) }, signal, run),
      analysis: (data, log, signal, run) => handleAnalysisJob(data, { ...analysisDeps, logger: log }, signal, run),
    },
    {
      concurrency: generator.parallelism,
      lockDurationMs: config.jobLockMs,
      logger,
      metrics,
      giveUp: giveUpHandlers(analysisDeps.responder),
      // Only after the last look at `signal`: a job taken by a stopping start-up would be cut off by the exit.
      autorun: false,
      // A job held as its server removed the bot is the one the gateway could not remove.
      forgetAfterRun: (data) => ofLeftServer(data, messageDeps),
      // A post is never cut (Discord may have it): a stopping worker starts none its REST timeout would carry past the stop.
      longestSendMs: REST_TIMEOUT_MS,
    },
  );
  const abandon = async (error: unknown): Promise<never> => {
    await running.stop(0);
    await engines.dispose();
    redis.disconnect();
    throw error;
  };
  // Ready means BullMQ has checked Redis on its connections, not only that it was told to start.
  await running.ready().catch(abandon);
  if (signal?.aborted) await abandon(signal.reason);
  running.run();
  logger.info({ concurrency: generator.parallelism }, 'worker ready');
  return {
    classifier,
    async stop() {
      await running.stop(SHUTDOWN_GRACE_MS);
      await engines.dispose();
      redis.disconnect();
    },
  };
}

/**
 * Claims QUEUE_PREFIX for the bot's application, notes its data sentinel in `dataWatch`, and returns
 * the application's id; Discord failing to say which that is fails start-up (DISCORD_UNAVAILABLE,
 * DISCORD_RATE_LIMITED) instead of guessing it.
 */
async function claimQueuePrefixFor(applicationId: () => Promise<string>, config: Config, dataWatch: RedisDataWatch, signal?: AbortSignal): Promise<string> {
  const id = await applicationId().catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : applicationIdFailure(error, config.discord.apiUrl);
  });
  await claimQueuePrefix(config.redis.url, config.redis.prefix, id, { signal, dataWatch });
  return id;
}
