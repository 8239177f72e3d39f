import type { Message, PartialMessage } from 'discord.js';
import type { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import type { Logger } from '../ports/logger.js';
import type { ReplyQueue } from '../ports/reply-queue.js';
import { contentOf } from './build-message-job.js';

export interface EditDeps {
  readonly queue: Pick<ReplyQueue, 'carrierOf' | 'revise'>;
  readonly bursts: Pick<BurstBuffer, 'revise'>;
}

/**
 * MESSAGE_UPDATE: a message edited while its reply still waits (in its burst window, or for a
 * worker) is answered as it reads now, in its job and in its author's open burst. An edit never
 * asks for a reply by itself (a mention added later is not a new message), and a reply already
 * being written answers the text its worker read.
 */
export async function reviseQueuedMessage(before: Message | PartialMessage | undefined, message: Message, deps: EditDeps, log: Logger): Promise<void> {
  // Discord also sends an update when a link's preview is added; the text is then the same.
  if (before && !before.partial && before.content === message.content) return;
  const carrier = await deps.queue.carrierOf(message.id);
  if (!carrier) return;
  const content = contentOf(message, message.client.user.id);
  if (content.length === 0) {
    log.info('edited to no text; its reply answers the text as first sent');
    return;
  }
  await deps.bursts.revise(message.channelId, message.author.id, message.id, content);
  const jobId = await deps.queue.revise(carrier, message.id, content);
  if (jobId) log.info({ jobId }, 'edited before its reply; the reply answers the new text');
  else log.info('edited after its reply started; the reply answers the text as first sent');
}
