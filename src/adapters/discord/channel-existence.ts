import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { ChannelExistence, ChannelLookup } from '../../ports/channel-lookup.js';
import { DiscordCodes } from './discord-error-codes.js';

/** 404 is the status Discord gives Unknown Channel; another status with that code is no answer to trust. */
const NOT_FOUND = 404;

/**
 * GET /channels/{id} through a discord.js REST client (the gateway's own), so its rate limits and
 * retries of a 5xx apply. Only 404 with Unknown Channel (10003) reads as gone.
 */
export class RestChannelLookup implements ChannelLookup {
  constructor(private readonly rest: REST) {}

  async existence(channelId: string, signal?: AbortSignal): Promise<ChannelExistence> {
    try {
      await this.rest.get(Routes.channel(channelId), { signal });
      return { state: 'exists' };
    } catch (error) {
      return isUnknownChannel(error) ? { state: 'gone' } : { state: 'unsure', error };
    }
  }
}

function isUnknownChannel(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.status === NOT_FOUND && error.code === DiscordCodes.UnknownChannel;
}
