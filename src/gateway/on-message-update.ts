import type { Message, PartialMessage } from 'discord.js';
import { errorCodeOf } from '../errors.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { EditedMessages } from '../ports/edited-messages.js';
import type { Logger } from '../ports/logger.js';
import type { SettingsStore } from '../ports/settings-store.js';
import { replyModeFor } from '../domain/guild-settings.js';
import { channelPlace } from './channel-place.js';
import { messageTextOf } from './build-message-job.js';
import { contextTextOf } from './context-text.js';
import { reviseInBurst, type BurstEditDeps } from './revise-in-burst.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';
import { SerialByKey } from '../serial-by-key.js';

export interface ContextEditDeps {
  readonly edited: Pick<EditedMessages, 'mark' | 'forget'>;
  /** Where the bot is off, no reply has the message in its context: its edits are not kept. */
  readonly settings: Pick<SettingsStore, 'get'>;
  readonly deleted: Pick<DeletedMessages, 'deletedAmong'>;
  readonly logger: Logger;
  /** Aborted when the gateway stops: an edit still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

export interface ContextEditHandler {
  (before: Message | PartialMessage | undefined, message: Message): Promise<void>;
  /** Settles once every edit handed in has been recorded or given up. */
  drain(): Promise<void>;
}

/**
 * MESSAGE_UPDATE: a message edited while its reply still waits (in its burst window, or for a
 * worker) is answered as it reads now, in its job and in its author's open burst. An edit never
 * asks for a reply by itself (a mention added later is not a new message), and a reply already
 * being written answers the text its worker read.
 */
export async function reviseQueuedMessage(before: Message | PartialMessage | undefined, message: Message, deps: BurstEditDeps, log: Logger): Promise<void> {
  if (!textChanged(before, message)) return;
  // Most edited messages were never queued: those need no step on the burst.
  if (!(await deps.queue.carrierOf(message.id))) return;
  const text = messageTextOf(message, message.client.user.id);
  if (text.content.length === 0) {
    log.info('edited to no text; its reply answers the text as first sent');
    return;
  }
  const jobId = await reviseInBurst({ channelId: message.channelId, authorId: message.author.id, messageId: message.id }, text, deps);
  if (jobId) log.info({ jobId }, 'edited before its reply; the reply answers the new text');
  else log.info('edited after its reply started; the reply answers the text as first sent');
}

/**
 * MESSAGE_UPDATE, for the replies whose context holds the message: every job copied the channel's
 * recent messages when it was queued, so the edit is recorded for the worker (as a deletion is),
 * which reads each context message as last edited, or leaves it out when no text is left. One
 * message's edits are recorded in order, so the newest text wins; like a deletion, an edit waits
 * for Redis to come back rather than being lost to an outage.
 */
export function createContextEditHandler(deps: ContextEditDeps): ContextEditHandler {
  const inOrder = new SerialByKey();
  const handle = (before: Message | PartialMessage | undefined, message: Message) =>
    inOrder.run(message.id, async () => {
      // System messages (joins, pins) are never in a context.
      if (message.system || !textChanged(before, message)) return;
      const log = deps.logger.child({ messageId: message.id, guildId: message.guildId, channelId: message.channelId });
      try {
        const done = await retryWhileRedisDown(() => recordContextEdit(message, deps), { signal: deps.shutdown, logger: log });
        log.debug(done === 'recorded' ? 'edited; replies with it in their context read the new text' : 'edited where the bot is off; not kept');
      } catch (error) {
        log.error({ err: error, code: errorCodeOf(error) }, 'could not record an edited message');
      }
    });
  return Object.assign(handle, { drain: () => inOrder.drain() });
}

async function recordContextEdit(message: Message, deps: ContextEditDeps): Promise<'recorded' | 'bot off here'> {
  if (message.guildId && replyModeFor(await deps.settings.get(message.guildId), channelPlace(message)) === 'off') return 'bot off here';
  // Noted as the server's, so that it goes with the server's removal of the bot however long it is kept.
  await deps.edited.mark(message.id, contextTextOf(message), message.guildId);
  // A deletion handled meanwhile (both may have waited out an outage) found no edit to take out of Redis: this one goes now.
  if ((await deps.deleted.deletedAmong([message.id])).length > 0) await deps.edited.forget([message.id]);
  return 'recorded';
}

/** Discord also sends an update when a link's preview is added; the text is then the same. */
function textChanged(before: Message | PartialMessage | undefined, message: Message): boolean {
  return !before || before.partial || before.content !== message.content;
}
