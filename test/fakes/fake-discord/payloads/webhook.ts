import type { FakeStore, WebhookRecord } from '../store.js';
import { userPayload } from './user.js';

/** A webhook object; `token` is only included when the caller may see it (bot auth or the token route). */
export function webhookPayload(store: FakeStore, webhook: WebhookRecord, apiBase: string) {
  return {
    id: webhook.id,
    type: 1,
    guild_id: webhook.guildId,
    channel_id: webhook.channelId,
    user: store.users.has(webhook.creatorId) ? userPayload(store.user(webhook.creatorId)) : undefined,
    name: webhook.name,
    avatar: webhook.avatarHash,
    token: webhook.token,
    application_id: webhook.applicationId,
    url: `${apiBase}/webhooks/${webhook.id}/${webhook.token}`,
  };
}

/** The pseudo-author of a message a webhook posted, carrying the per-message name override. */
export function webhookAuthor(webhook: WebhookRecord, username?: string) {
  return {
    id: webhook.id,
    username: username ?? webhook.name,
    discriminator: '0000',
    global_name: null,
    avatar: webhook.avatarHash,
    bot: true,
  };
}
