import { checkSentContent } from '../valid-content.js';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { DiscordErrorCode, FakeApiError, missingPermissions } from '../api-error.js';
import { attachmentsFor, deliverMessage, hasMessageContent } from '../deliver-message.js';
import { userPayload } from '../payloads/user.js';
import { channelPermissions, hasPermission, isThread } from '../permissions.js';
import type { Route } from '../router.js';
import { visibleChannel } from './guilds.js';

/** Discord's cap for GET /channels/:id/messages `limit`. */
const MAX_FETCH_LIMIT = 100;
const DEFAULT_FETCH_LIMIT = 50;

/** Message history, bot messages and typing. */
export const messageRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/channels/:channelId/messages',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      const limit = Math.min(Number(req.query.get('limit') ?? DEFAULT_FETCH_LIMIT), MAX_FETCH_LIMIT);
      const before = req.query.get('before');
      const after = req.query.get('after');
      // Snowflakes sort by time; compare as bigints because they outgrow doubles. As Discord does,
      // `after` gives the `limit` messages right after it (the oldest ones), and every page is
      // sorted newest first.
      const stored = ctx.store.channelMessages(channel.id);
      if (after) return { body: stored.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit).reverse() };
      let messages = [...stored].reverse();
      if (before) messages = messages.filter((m) => BigInt(m.id) < BigInt(before));
      return { body: messages.slice(0, limit) };
    },
  },
  {
    method: 'GET',
    pattern: '/channels/:channelId/messages/:messageId',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      return { body: ctx.store.message(channel.id, req.params.messageId ?? '') };
    },
  },
  {
    method: 'POST',
    pattern: '/channels/:channelId/messages',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      const needed = isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
      if (!hasPermission(channelPermissions(ctx.store, channel, ctx.botUserId), needed)) throw missingPermissions();
      if (!hasMessageContent(req.body, req.files)) {
        throw new FakeApiError(400, DiscordErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
      }
      checkSentContent(req.body);
      const reference = req.body.message_reference as { message_id?: string } | undefined;
      const message = deliverMessage(ctx, {
        channelId: channel.id,
        author: userPayload(ctx.store.user(ctx.botUserId)),
        content: typeof req.body.content === 'string' ? req.body.content : '',
        embeds: Array.isArray(req.body.embeds) ? req.body.embeds : [],
        attachments: attachmentsFor(ctx, channel.id, req.files),
        ...(reference?.message_id ? { referencedMessageId: reference.message_id } : {}),
      });
      return { body: message };
    },
  },
  {
    method: 'POST',
    pattern: '/channels/:channelId/typing',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      ctx.recorder.typingCalls.push({ at: Date.now(), channelId: channel.id });
      return {};
    },
  },
];
