import { createHash } from 'node:crypto';
import { PermissionFlagsBits, type APIAttachment, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import { invalidFormBody } from './api-error.js';
import type { FakeContext } from './context.js';
import { messagePayload, type MessagePayloadInput } from './payloads/message.js';
import { channelPermissions, hasPermission } from './permissions.js';
import type { RecordedFile } from './recorder.js';
import { nextSnowflake } from './snowflake.js';
import { reopenForMessage } from './thread-state.js';

/**
 * Stores a new message and dispatches MESSAGE_CREATE, as Discord does for every posted message
 * the bot can see: none from a channel it may not view.
 */
export function deliverMessage(context: FakeContext, input: MessagePayloadInput, options: { dispatch?: boolean } = {}): APIMessage {
  reopenForMessage(context, context.store.channel(input.channelId));
  const message = messagePayload(context.store, { ...input, embeds: resolveEmbedAttachments(input.embeds, input.attachments) });
  context.store.channelMessages(input.channelId).push(message);
  // The gateway event carries the channel's type (the REST message object does not); discord.js
  // needs it to build a DM channel it has not cached yet.
  const channel = context.store.channel(input.channelId);
  const seen = hasPermission(channelPermissions(context.store, channel, context.botUserId), PermissionFlagsBits.ViewChannel);
  if ((options.dispatch ?? true) && seen) context.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: channel.type });
  return message;
}

/** Attachment objects for uploaded files, with URLs under the fake's own origin. */
export function attachmentsFor(context: FakeContext, channelId: string, files: RecordedFile[]): APIAttachment[] {
  const origin = new URL(context.apiBase).origin;
  return files.map((file) => {
    const id = nextSnowflake();
    return {
      id,
      filename: file.fileName,
      size: file.bytes.length,
      content_type: file.contentType,
      url: `${origin}/attachments/${channelId}/${id}/${file.fileName}`,
      proxy_url: `${origin}/attachments/${channelId}/${id}/${file.fileName}`,
    };
  });
}

/**
 * Discord's `attachment://<filename>` in an embed: "The `filename` for these URLs must be ASCII
 * alphanumeric with underscores, dashes, or dots" and "Only filenames with proper image extensions
 * are supported" (API Reference, Uploading Files).
 */
const EMBEDDABLE_FILE_NAME = /^[A-Za-z0-9_.-]+\.(png|jpe?g|gif|webp)$/i;

/**
 * An embed's image, thumbnail and author and footer icons as Discord serialises them: an
 * `attachment://` reference to an uploaded file with an embeddable name becomes the file's URL;
 * any other stays as sent, and the client shows no image there.
 */
export function resolveEmbedAttachments<E extends APIEmbed[] | undefined>(embeds: E, attachments: APIAttachment[] | undefined): E {
  if (!embeds || !attachments || attachments.length === 0) return embeds;
  const resolve = (url: string): string => {
    if (!url.startsWith('attachment://')) return url;
    const name = url.slice('attachment://'.length);
    const file = attachments.find((attachment) => attachment.filename === name);
    return file && EMBEDDABLE_FILE_NAME.test(name) ? file.url : url;
  };
  return embeds.map((embed) => ({
    ...embed,
    ...(embed.image ? { image: { ...embed.image, url: resolve(embed.image.url) } } : {}),
    ...(embed.thumbnail ? { thumbnail: { ...embed.thumbnail, url: resolve(embed.thumbnail.url) } } : {}),
    ...(embed.author?.icon_url ? { author: { ...embed.author, icon_url: resolve(embed.author.icon_url) } } : {}),
    ...(embed.footer?.icon_url ? { footer: { ...embed.footer, icon_url: resolve(embed.footer.icon_url) } } : {}),
  })) as E;
}

/** Decodes an avatar data URI ("data:image/png;base64,…") into bytes and a Discord-style hash. */
export function decodeAvatar(dataUri: unknown): { hash: string; bytes: Buffer; contentType: string } | null {
  if (dataUri === null || dataUri === undefined) return null;
  const match = typeof dataUri === 'string' ? /^data:image\/(png|jpeg|gif|webp);base64,(.+)$/.exec(dataUri) : null;
  if (!match) throw invalidFormBody('Invalid Form Body: avatar must be an image data URI');
  const bytes = Buffer.from(match[2] ?? '', 'base64');
  return { hash: createHash('md5').update(bytes).digest('hex'), bytes, contentType: `image/${match[1]}` };
}

export function hasMessageContent(body: Record<string, unknown>, files: RecordedFile[]): boolean {
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? body.embeds : [];
  return content.length > 0 || embeds.length > 0 || files.length > 0;
}
