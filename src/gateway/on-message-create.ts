import type { Message } from 'discord.js';
import type { Redis } from 'ioredis';
import type { MessageQueue } from '../adapters/bullmq/message-queue.js';
import { replyModeFor } from '../domain/guild-settings.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsStore } from '../ports/settings-store.js';
import { buildMessageJob } from './build-message-job.js';
import { judgeMessage, mentionsBot } from './classify-message.js';
import { personaWebhookIds } from './persona-webhooks.js';

export interface MessageHandlerDeps {
  readonly queue: MessageQueue;
  readonly settings: SettingsStore;
  readonly redis: Redis;
  readonly prefix: string;
  readonly recentMessages: number;
  readonly logger: Logger;
}

/** Decides whether a message deserves a reply and, if so, queues it. Never loads a model. */
export function createMessageHandler(deps: MessageHandlerDeps): (message: Message) => Promise<void> {
  return async (message) => {
    const log = deps.logger.child({ messageId: message.id, guildId: message.guildId, channelId: message.channelId });
    try {
      const verdict = judgeMessage(message);
      if (verdict !== 'queue') return;
      const botUserId = message.client.user.id;
      const hostChannelId = message.channel.isThread() ? (message.channel.parentId ?? message.channelId) : message.channelId;
      const ourWebhooks = message.guildId ? await personaWebhookIds(deps.redis, deps.prefix, hostChannelId) : new Set<string>();
      const isPersonaMessage = (m: Message) =>
        (m.webhookId !== null && ourWebhooks.has(m.webhookId)) || m.author.id === botUserId;

      const addressed = mentionsBot(message, botUserId) || (await repliesToPersona(message, isPersonaMessage));
      if (!(await wantsReply(message, addressed, deps))) return;

      const job = await buildMessageJob(message, addressed, {
        botUserId,
        recentMessages: deps.recentMessages,
        isPersonaMessage,
      });
      if (job.content.length === 0) {
        log.debug('message has no text to answer');
        return;
      }
      const jobId = await deps.queue.enqueue(job);
      log.info({ jobId, addressed }, 'queued');
    } catch (error) {
      log.error({ err: error, code: errorCodeOf(error) }, 'could not queue message');
    }
  };
}

async function repliesToPersona(message: Message, isPersonaMessage: (m: Message) => boolean): Promise<boolean> {
  if (!message.reference?.messageId) return false;
  try {
    return isPersonaMessage(await message.fetchReference());
  } catch {
    return false;
  }
}

/** DMs are always answered; in guilds the channel's reply mode decides. */
async function wantsReply(message: Message, addressed: boolean, deps: MessageHandlerDeps): Promise<boolean> {
  if (!message.guildId) return true;
  const settings = await deps.settings.get(message.guildId);
  const channel = message.channel;
  const parentId = 'parentId' in channel ? channel.parentId : null;
  const categoryId = channel.isThread() ? (channel.parent?.parentId ?? null) : null;
  const mode = replyModeFor(settings, { channelId: message.channelId, parentId, categoryId });
  if (mode === 'off') return false;
  if (mode === 'mention') return addressed;
  return true;
}
