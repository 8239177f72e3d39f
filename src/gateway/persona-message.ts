import type { Message } from 'discord.js';

export interface OwnPosters {
  readonly botUserId: string;
  /** The bot's application: Discord puts its id on every message a webhook of the application posts. */
  readonly applicationId: string;
  /** The webhooks feelbot noted it posts through (persona-webhook-ids), while Redis keeps the note. */
  readonly webhookIds: ReadonlySet<string>;
}

/**
 * Whether a message is feelbot's own: posted as its bot user, or by a persona through a webhook of
 * its application. Discord's `application_id` tells the persona's post also once Redis lost its
 * note of the webhook (a flush, or 90 quiet days); a webhook a user or another application made
 * never carries it, however it names its posts.
 */
export function ownMessageCheck(own: OwnPosters): (message: Message) => boolean {
  return (message) =>
    message.author.id === own.botUserId ||
    (message.webhookId !== null && (message.applicationId === own.applicationId || own.webhookIds.has(message.webhookId)));
}
