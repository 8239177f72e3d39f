import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { MessageExistence, MessageLookup } from '../../ports/message-lookup.js';
import { DiscordCodes } from './discord-error-codes.js';

/** 404 is the status Discord gives Unknown Message and Unknown Channel; another status with those codes is no answer to trust. */
const NOT_FOUND = 404;

/**
 * GET /channels/{id}/messages/{id} through a discord.js REST client (the worker's own), so its rate
 * limits and retries of a 5xx apply. Only a 404 reads as gone: Unknown Message (10008) the message,
 * Unknown Channel (10003) its thread or channel; anything else, a 403 included, is unsure.
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
}

function goneOrUnsure(error: unknown): MessageExistence {
  if (!(error instanceof DiscordAPIError) || error.status !== NOT_FOUND) return { state: 'unsure', error };
  if (error.code === DiscordCodes.UnknownMessage) return { state: 'message-gone' };
  if (error.code === DiscordCodes.UnknownChannel) return { state: 'channel-gone' };
  return { state: 'unsure', error };
}
