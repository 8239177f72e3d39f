import { GatewayDispatchEvents, RESTJSONErrorCodes, type Client, type Message } from 'discord.js';
import { asDiscordRequestError } from '../adapters/discord/discord-request-error.js';
import { hasDiscordCode } from '../adapters/discord/discord-error-codes.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';

export interface UncachedDmHandlers {
  /** A deletion, by message id. */
  readonly deleted: (messageIds: string[]) => void;
  /** An edit, with the message as it reads now; there is no copy of it from before. */
  readonly edited: (before: undefined, message: Message) => void;
  readonly logger: Logger;
}

/** A message in a DM channel discord.js has not cached. */
interface UncachedDmMessage {
  readonly channelId: string;
  readonly messageId: string;
}

/**
 * discord.js builds a DM channel it has not cached only from a payload naming its type or
 * recipients: MESSAGE_CREATE does, MESSAGE_DELETE and MESSAGE_UPDATE do not, so it drops them. A
 * DM is cached once a message arrives in it, so after a restart its deletions and edits would be
 * lost. Those two dispatches are taken here, before discord.js handles them, for uncached DMs
 * only: guild messages and cached DMs still come through discord.js, once. (A DM has no bulk
 * deletions.) Returns a function that stops listening; an edit still being read then is dropped.
 */
export function listenForUncachedDms(client: Client, handlers: UncachedDmHandlers): () => void {
  let stopped = false;
  const onDelete = (data: unknown) => {
    const message = uncachedDmMessageOf(client, data);
    if (message) handlers.deleted([message.messageId]);
  };
  const onUpdate = (data: unknown) => {
    const message = uncachedDmMessageOf(client, data);
    if (!message) return;
    void readEdited(client, message, handlers.logger).then((edited) => {
      if (edited && !stopped) handlers.edited(undefined, edited);
    });
  };
  client.ws.on(GatewayDispatchEvents.MessageDelete, onDelete);
  client.ws.on(GatewayDispatchEvents.MessageUpdate, onUpdate);
  return () => {
    stopped = true;
    client.ws.off(GatewayDispatchEvents.MessageDelete, onDelete);
    client.ws.off(GatewayDispatchEvents.MessageUpdate, onUpdate);
  };
}

/** The channel and message a MESSAGE_DELETE or MESSAGE_UPDATE names, when it is in a DM discord.js has not cached. */
export function uncachedDmMessageOf(client: Client, data: unknown): UncachedDmMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { id, channel_id: channelId, guild_id: guildId } = data as { id?: unknown; channel_id?: unknown; guild_id?: unknown };
  if (typeof id !== 'string' || typeof channelId !== 'string' || typeof guildId === 'string') return undefined;
  return client.channels.cache.has(channelId) ? undefined : { channelId, messageId: id };
}

/**
 * The edited message, read over REST; fetching its channel caches it, so the DM's later events
 * come through discord.js. Never rejects: a message deleted meanwhile (its deletion is handled on
 * its own) or a failed request leaves the edit unread.
 */
async function readEdited(client: Client, { channelId, messageId }: UncachedDmMessage, logger: Logger): Promise<Message | undefined> {
  const log = logger.child({ channelId, messageId });
  try {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased()) return undefined;
    return await channel.messages.fetch(messageId);
  } catch (error) {
    if (hasDiscordCode(error, RESTJSONErrorCodes.UnknownMessage)) {
      log.debug('a DM message was deleted before its edit could be read');
      return undefined;
    }
    const failure = asDiscordRequestError(error, 'an edited DM message');
    log.warn({ err: failure, code: errorCodeOf(failure) }, 'could not read an edited DM message; the edit is not answered');
    return undefined;
  }
}
