import { DiscordAPIError, Routes, type REST } from 'discord.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';

export interface WebhookCredentials {
  readonly id: string;
  readonly token: string;
}

/** Where a webhook posts now; `gone` once deleted or its token reset; `unknown` when Discord could not say. */
export type WebhookLocation = { readonly channelId: string } | 'gone' | 'unknown';

/**
 * Asks Discord where a webhook posts: GET /webhooks/{id}/{token} answers with its channel_id and
 * needs no bot authentication (the token is the credential). A moved webhook is caught here,
 * before a reply lands in the channel an admin moved it to.
 */
export async function locateWebhook(rest: REST, webhook: WebhookCredentials): Promise<WebhookLocation> {
  try {
    const found = (await rest.get(Routes.webhook(webhook.id, webhook.token), { auth: false })) as { channel_id?: string };
    return found.channel_id ? { channelId: found.channel_id } : 'unknown';
  } catch (error) {
    if (hasDiscordCode(error, DiscordCodes.UnknownWebhook) || hasDiscordCode(error, DiscordCodes.InvalidWebhookToken)) return 'gone';
    // A 401 without a code is a reset token too; anything else (5xx, timeout) proves nothing.
    return error instanceof DiscordAPIError && error.status === 401 ? 'gone' : 'unknown';
  }
}
