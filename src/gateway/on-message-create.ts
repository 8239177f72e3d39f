import type { Message, PartialMessage } from 'discord.js';
import type { Redis } from 'ioredis';
import type { ReplyQueue } from '../ports/reply-queue.js';
import type { ReplyPersonas } from '../ports/reply-personas.js';
import { replyModeFor, type GuildSettings } from '../domain/guild-settings.js';
import { errorCodeOf } from '../errors.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { Logger } from '../ports/logger.js';
import { NO_COOLDOWN, type ReplyLimiter } from '../ports/reply-limiter.js';
import type { SettingsStore } from '../ports/settings-store.js';
import { buildMessageJob, contentOf } from './build-message-job.js';
import { channelPlace } from './channel-place.js';
import type { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import { judgeMessage, mentionsBot } from './classify-message.js';
import { personaWebhookIds } from '../adapters/redis/persona-webhook-ids.js';
import { ownMessageCheck } from './persona-message.js';
import { reviseQueuedMessage } from './on-message-update.js';
import { queueInBurst } from './queue-in-burst.js';
import { repliesInChannel } from './reply-reference.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';
import { withdrawOpenBurst } from './withdraw-open-burst.js';
import { SerialByKey } from '../serial-by-key.js';

export interface MessageHandlerDeps {
  readonly queue: ReplyQueue;
  readonly settings: SettingsStore;
  readonly bursts: BurstBuffer;
  readonly limiter: ReplyLimiter;
  readonly redis: Redis;
  readonly prefix: string;
  readonly recentMessages: number;
  readonly logger: Logger;
  /** Whether a message was deleted, and what a deletion does: checked once a message is queued. */
  readonly deleted: Pick<DeletedMessages, 'deletedAmong'>;
  /** Which persona posted each of feelbot's replies: a prompt quotes another persona's words as that character's. */
  readonly replyPersonas: Pick<ReplyPersonas, 'personasOf'>;
  readonly onDeleted: (messageIds: string[]) => Promise<void>;
  /** Aborted when the gateway stops: a message still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

export interface MessageHandler {
  handle(message: Message): Promise<void>;
  /** An edit of a message (`before` as cached, when it was), taken in order with its author's messages. */
  revise(before: Message | PartialMessage | undefined, message: Message): Promise<void>;
  /** Settles once every message handed in has been queued or given up. */
  drain(): Promise<void>;
}

/**
 * Decides whether a message deserves a reply and, if so, queues it. Never loads a model. One
 * author's messages in one channel are taken in arrival order, since the burst, the cooldown and
 * the debounced job all assume the earlier message goes first.
 */
export function createMessageHandler(deps: MessageHandlerDeps): MessageHandler {
  const inOrder = new SerialByKey();
  return {
    handle: (message) =>
      inOrder.run(`${message.channelId}:${message.author.id}`, async () => {
        const log = deps.logger.child({ messageId: message.id, guildId: message.guildId, channelId: message.channelId });
        try {
          await retryWhileRedisDown(() => considerMessage(message, deps, log), { signal: deps.shutdown, logger: log });
        } catch (error) {
          log.error({ err: error, code: errorCodeOf(error) }, 'could not queue message');
        }
      }),
    revise: (before, message) =>
      inOrder.run(`${message.channelId}:${message.author.id}`, async () => {
        const log = deps.logger.child({ messageId: message.id, guildId: message.guildId, channelId: message.channelId });
        try {
          await retryWhileRedisDown(() => reviseQueuedMessage(before, message, deps, log), { signal: deps.shutdown, logger: log });
        } catch (error) {
          log.error({ err: error, code: errorCodeOf(error) }, 'could not revise an edited message');
        }
      }),
    drain: () => inOrder.drain(),
  };
}

async function considerMessage(message: Message, deps: MessageHandlerDeps, log: Logger): Promise<void> {
  if (judgeMessage(message) !== 'queue') return;
  const botUserId = message.client.user.id;
  // A bare mention or an image alone has nothing to answer, so it must not use up a cooldown.
  if (contentOf(message, botUserId).length === 0) {
    log.debug('message has no text to answer');
    return;
  }
  const settings = message.guildId ? await deps.settings.get(message.guildId) : undefined;
  const burstOpen = await deps.bursts.isOpen(message.channelId, message.author.id);
  // Where the bot is off, nothing is asked of Discord (whose message a reply answers), and a burst
  // still open from before the place was turned off is taken back, its text with it.
  if (!wantsReply(message, true, settings)) {
    if (!burstOpen) log.debug('the bot is off here');
    else log.info({ withdrawn: await withdrawOpenBurst(message.channelId, message.author.id, deps) }, 'the bot is off here; withdrew the open burst');
    return;
  }
  const hostChannelId = message.channel.isThread() ? (message.channel.parentId ?? message.channelId) : message.channelId;
  const ourWebhooks = message.guildId ? await personaWebhookIds(deps.redis, deps.prefix, hostChannelId) : new Set<string>();
  const isPersonaMessage = ownMessageCheck({ botUserId, applicationId: message.client.application.id, webhookIds: ourWebhooks });

  const addressed = mentionsBot(message, botUserId) || (await repliesToPersona(message, isPersonaMessage));
  // Only asked here: the worker takes the start once it knows it will answer (in `auto` mode it
  // may stay quiet), so a message nobody answers uses up no cooldown.
  const replyMayStart = () =>
    deps.limiter.mayStart({ scope: message.guildId ?? 'dm', channelId: message.channelId, userId: message.author.id, cooldowns: settings ?? NO_COOLDOWN });
  if (!burstOpen && !wantsReply(message, addressed, settings)) return;
  if (!burstOpen && !(await replyMayStart())) {
    log.info('rate limited or cooling down');
    return;
  }

  const job = await buildMessageJob(message, addressed, { botUserId, recentMessages: deps.recentMessages, isPersonaMessage, replyPersonas: deps.replyPersonas });
  const queued = await queueInBurst(deps.queue, deps.bursts, job, async (answeredBy) => {
    // The burst's reply has started without this message: it now needs a reply of its own.
    if (wantsReply(message, addressed, settings) && (await replyMayStart())) return true;
    log.info({ answeredBy }, 'burst already answered; no new reply may start');
    return false;
  });
  if (!queued) return;
  // A MESSAGE_DELETE of this message, or of one its burst just took in, may have been handled while
  // this was queueing (or both waited out a Redis outage): it found nothing to withdraw then, so it
  // is applied again now.
  const deleted = await deps.deleted.deletedAmong(queued.burst.entries.map((entry) => entry.messageId));
  if (deleted.length > 0) {
    await deps.onDeleted(deleted);
    log.info({ jobId: queued.jobId, deleted }, 'deleted while it was being queued; withdrawn');
    return;
  }
  if (queued.duplicate) log.info({ jobId: queued.jobId }, 'already queued; delivered twice');
  else log.info({ jobId: queued.jobId, addressed, burst: queued.burst.entries.length }, 'queued');
}

async function repliesToPersona(message: Message, isPersonaMessage: (m: Message) => boolean): Promise<boolean> {
  if (!repliesInChannel(message)) return false;
  try {
    return isPersonaMessage(await message.fetchReference());
  } catch {
    return false;
  }
}

/** DMs are always answered; in guilds the channel's reply mode decides. */
function wantsReply(message: Message, addressed: boolean, settings: GuildSettings | undefined): boolean {
  if (!settings) return true;
  const mode = replyModeFor(settings, channelPlace(message));
  if (mode === 'off') return false;
  if (mode === 'mention') return addressed;
  return true;
}
