import { ErrorCodes, isFeelbotError } from '../../errors.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';

/**
 * True when a post failed because the cached webhook no longer serves the channel: deleted
 * (Unknown Webhook), its token reset (Invalid Webhook Token), or moved by an admin to another
 * channel (the post lands there; a thread of this channel is unknown to it; a forum or media
 * channel wants a thread). The caller forgets it and posts through a fresh one. Either may also
 * mean the place itself is gone (a thread deleted since it was checked; a deleted channel's
 * webhooks go with it): the fresh look tells them apart, meeting Unknown Channel (asDeletedChannel).
 */
export function isStaleWebhook(error: unknown, inThread: boolean): boolean {
  return (
    hasDiscordCode(error, DiscordCodes.UnknownWebhook) ||
    hasDiscordCode(error, DiscordCodes.InvalidWebhookToken) ||
    isFeelbotError(error, ErrorCodes.WebhookMoved) ||
    (inThread && hasDiscordCode(error, DiscordCodes.UnknownChannel)) ||
    (!inThread && hasDiscordCode(error, DiscordCodes.ForumWebhookNeedsThread))
  );
}
