import { DiscordAPIError, Routes, type APIMessage, type REST } from 'discord.js';
import { MESSAGE_PAGE_SIZE, type MessageExistence, type MessageLookup, type MessagePage } from '../../ports/message-lookup.js';
import { DiscordCodes } from './discord-error-codes.js';

/** 404 is the status Discord gives Unknown Message and Unknown Channel; another status with those codes is no answer to trust. */
const NOT_FOUND = 404;

/**
 * GET /channels/{id}/messages/{id} through a discord.js REST client (the worker's own), so its rate
 * limits and retries of a 5xx apply. Only a 404 reads as gone: Unknown Message (10008) the message,
 * Unknown Channel (10003) its thread or channel; anything else, a 403 included, is unsure. A page
 * is GET /channels/{id}/messages before the id just after the newest wanted; any failure is unsure.
 */
export class RestMessageLookup implements MessageLookup {
  constructor(private readonly rest: REST) {}

  async existence(channelId: string, messageId: string, signal?: AbortSignal): Promise<MessageExistence> {
    try {
      await this.rest.get(Routes.channelMessage(channelId, messageId), { signal });
      return { state: 'exists' };
    } catch (error) {
      return goneOrUnsure(error);
    }
  }

  async pageThrough(channelId: string, newestId: string, signal?: AbortSignal): Promise<MessagePage> {
    // `before` excludes its own id, and a snowflake one higher is no later message's.
    const query = new URLSearchParams({ before: (BigInt(newestId) + 1n).toString(), limit: String(MESSAGE_PAGE_SIZE) });
    try {
      const page = (await this.rest.get(Routes.channelMessages(channelId), { query, signal })) as APIMessage[];
      if (!Array.isArray(page)) return { state: 'unsure', error: new TypeError('Discord answered a page of messages with no list') };
      return { state: 'listed', messageIds: page.map((message) => message.id) };
    } catch (error) {
      return { state: 'unsure', error };
    }
  }
}

function goneOrUnsure(error: unknown): MessageExistence {
  if (!(error instanceof DiscordAPIError) || error.status !== NOT_FOUND) return { state: 'unsure', error };
  if (error.code === DiscordCodes.UnknownMessage) return { state: 'message-gone' };
  if (error.code === DiscordCodes.UnknownChannel) return { state: 'channel-gone' };
  return { state: 'unsure', error };
}
