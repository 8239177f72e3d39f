import { MessageFlags, Routes, type REST } from 'discord.js';
import type { InteractionEmbed, InteractionResponder, InteractionResponse } from '../../ports/interaction-responder.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { NO_PINGS } from './webhook-replier.js';

/** PATCH /webhooks/{application}/{token}/messages/@original, with attachments as multipart. */
export class InteractionWebhookResponder implements InteractionResponder {
  constructor(private readonly rest: REST) {}

  async editOriginal(applicationId: string, token: string, response: InteractionResponse): Promise<void> {
    await this.rest.patch(Routes.webhookMessage(applicationId, token, '@original'), {
      auth: false,
      body: {
        content: response.content ?? '',
        embeds: response.embeds.map(toApiEmbed),
        allowed_mentions: NO_PINGS,
        // No preview card for a link in the text. Discord hides a suppressed message's own embeds
        // too, so an answer made of embeds (whose text never unfurls) goes without the flag.
        ...(response.embeds.length === 0 ? { flags: MessageFlags.SuppressEmbeds } : {}),
        attachments: response.files.map((file, id) => ({ id, filename: file.name })),
      },
      files: response.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType })),
    }).catch((error: unknown) => {
      throw asDiscordRequestError(error, 'the answer to the interaction');
    });
  }
}

function toApiEmbed(embed: InteractionEmbed) {
  return {
    ...(embed.author ? { author: { name: embed.author.name, ...(embed.author.iconUrl ? { icon_url: embed.author.iconUrl } : {}) } } : {}),
    ...(embed.title ? { title: embed.title } : {}),
    ...(embed.description ? { description: embed.description } : {}),
    ...(embed.color === undefined ? {} : { color: embed.color }),
    ...(embed.fields ? { fields: embed.fields } : {}),
    ...(embed.imageUrl ? { image: { url: embed.imageUrl } } : {}),
    ...(embed.footer ? { footer: { text: embed.footer } } : {}),
  };
}
