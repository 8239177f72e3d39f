import type { InteractionEmbed, InteractionResponse } from '../../ports/interaction-responder.js';
import { NO_PINGS } from './webhook-replier.js';

/** What an edit and a follow-up alike send of `response`: its text and cards, pinging nobody, and its files' names. */
export function messageBody(response: InteractionResponse) {
  return {
    content: response.content ?? '',
    embeds: response.embeds.map(toApiEmbed),
    allowed_mentions: NO_PINGS,
    attachments: response.files.map((file, id) => ({ id, filename: file.name })),
  };
}

/** The files of `response` as the REST client sends them, as multipart. */
export function apiFiles(response: InteractionResponse) {
  return response.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType }));
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
