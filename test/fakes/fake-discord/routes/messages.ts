import { checkSentContent } from '../valid-content.js';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { DiscordErrorCode, FakeApiError, invalidFormBody, missingPermissions } from '../api-error.js';
import type { FakeContext } from '../context.js';
import { attachmentsFor, deliverMessage, hasMessageContent } from '../deliver-message.js';
import { restMessage } from '../payloads/rest-message.js';
import { userPayload } from '../payloads/user.js';
import { channelPermissions, hasPermission, isThread } from '../permissions.js';
import type { Route } from '../router.js';
import type { ChannelRecord } from '../store.js';
import { visibleChannel } from './guilds.js';

/** Discord's cap for GET /channels/:id/messages `limit`. */
const MAX_FETCH_LIMIT = 100;
const DEFAULT_FETCH_LIMIT = 50;

/** Discord's cap on a nonce's length (a string; an integer nonce is within it by type). */
const MAX_NONCE_CHARS = 25;
/** How long Discord checks an enforced nonce for uniqueness: "the past few minutes". */
const NONCE_WINDOW_MS = 5 * 60_000;

/**
 * A message the same author created with the same nonce within the window, which Discord returns
 * instead of creating another when the request sets `enforce_nonce`.
 */
function earlierWithNonce(ctx: FakeContext, authorId: string, nonce: string | number) {
  const since = Date.now() - NONCE_WINDOW_MS;
  for (const messages of ctx.store.messages.values()) {
    const found = messages.find((m) => m.author.id === authorId && (m as { nonce?: unknown }).nonce === nonce && Date.parse(m.timestamp) >= since);
    if (found) return found;
  }
  return undefined;
}

function checkedNonce(body: Record<string, unknown>): string | number | undefined {
  const { nonce } = body;
  if (nonce === undefined || nonce === null) return undefined;
  if (typeof nonce === 'number' && Number.isInteger(nonce)) return nonce;
  if (typeof nonce === 'string' && nonce.length <= MAX_NONCE_CHARS) return nonce;
  throw invalidFormBody(`Invalid Form Body: nonce: Must be an integer or a string of ${MAX_NONCE_CHARS} or fewer in length.`);
}

/** What sending in `channel` takes: Send Messages, or in a thread Send Messages in Threads. */
function sendPermissionIn(channel: ChannelRecord): bigint {
  return isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
}

function readsHistory(ctx: FakeContext, channel: ChannelRecord): boolean {
  return hasPermission(channelPermissions(ctx.store, channel, ctx.botUserId), PermissionFlagsBits.ReadMessageHistory);
}

/** Message history, bot messages and typing. */
export const messageRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/channels/:channelId/messages',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      // As documented: without Read Message History the list is empty, not refused.
      if (!readsHistory(ctx, channel)) return { body: [] };
      const limit = Math.min(Number(req.query.get('limit') ?? DEFAULT_FETCH_LIMIT), MAX_FETCH_LIMIT);
      const before = req.query.get('before');
      const after = req.query.get('after');
      // Snowflakes sort by time; compare as bigints because they outgrow doubles. As Discord does,
      // `after` gives the `limit` messages right after it (the oldest ones), and every page is
      // sorted newest first.
      const stored = ctx.store.channelMessages(channel.id);
      if (after) return { body: stored.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit).reverse().map(restMessage) };
      let messages = [...stored].reverse();
      if (before) messages = messages.filter((m) => BigInt(m.id) < BigInt(before));
      return { body: messages.slice(0, limit).map(restMessage) };
    },
  },
  {
    method: 'GET',
    pattern: '/channels/:channelId/messages/:messageId',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      if (!readsHistory(ctx, channel)) throw missingPermissions();
      return { body: restMessage(ctx.store.message(channel.id, req.params.messageId ?? '')) };
    },
  },
  {
    method: 'POST',
    pattern: '/channels/:channelId/messages',
    auth: 'bot',
    handler: (req, ctx) => {
      const channel = visibleChannel(ctx, req.params.channelId ?? '');
      if (!hasPermission(channelPermissions(ctx.store, channel, ctx.botUserId), sendPermissionIn(channel))) throw missingPermissions();
      if (!hasMessageContent(req.body, req.files)) {
        throw new FakeApiError(400, DiscordErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
      }
      checkSentContent(req.body);
      const nonce = checkedNonce(req.body);
      if (nonce !== undefined && req.body.enforce_nonce === true) {
        const earlier = earlierWithNonce(ctx, ctx.botUserId, nonce);
        if (earlier) return { body: earlier };
      }
      const reference = req.body.message_reference as { message_id?: string } | undefined;
      const message = deliverMessage(ctx, {
        ...(nonce === undefined ? {} : { nonce }),
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
      // Showing "typing" takes the right to send there: without it Discord answers 403 (50013).
      if (!hasPermission(channelPermissions(ctx.store, channel, ctx.botUserId), sendPermissionIn(channel))) throw missingPermissions();
      ctx.recorder.typingCalls.push({ at: Date.now(), channelId: channel.id });
      return {};
    },
  },
];
