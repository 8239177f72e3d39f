import { checkSentContent } from '../valid-content.js';
import { MessageFlags, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import { DiscordErrorCode, FakeApiError, unknownMessage } from '../api-error.js';
import type { FakeContext, InteractionRecord } from '../context.js';
import { attachmentsFor, deliverMessage, resolveEmbedAttachments } from '../deliver-message.js';
import { validFlags } from '../valid-flags.js';
import { userPayload } from '../payloads/user.js';
import type { InteractionResponseKind } from '../recorder.js';
import type { Route, RouteRequest, RouteResponse } from '../router.js';

/** The only message flags Edit Webhook Message (and so an interaction edit) accepts; the others stay as they were. */
const EDITABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;

/** Interaction callback types from the API docs. */
const CallbackType = { ChannelMessage: 4, DeferredChannelMessage: 5, DeferredUpdate: 6, UpdateMessage: 7 } as const;

export const interactionRoutes: Route[] = [
  { method: 'POST', pattern: '/interactions/:interactionId/:token/callback', auth: 'none', handler: callback },
];

/** Routes under /webhooks/:appId/:token/messages/:messageId, where the interaction token stands in for a webhook token. */
export const interactionWebhookRoutes: Route[] = [
  { method: 'GET', pattern: '/webhooks/:webhookId/:token/messages/:messageId', auth: 'none', handler: getMessage },
  { method: 'PATCH', pattern: '/webhooks/:webhookId/:token/messages/:messageId', auth: 'none', handler: editMessage },
  { method: 'DELETE', pattern: '/webhooks/:webhookId/:token/messages/:messageId', auth: 'none', handler: deleteMessage },
];

function callback(req: RouteRequest, ctx: FakeContext): RouteResponse {
  const interaction = ctx.interactions.get(req.params.interactionId ?? '');
  if (!interaction || interaction.token !== req.params.token) {
    throw new FakeApiError(404, DiscordErrorCode.UnknownInteraction, 'Unknown interaction');
  }
  if (interaction.acknowledged) {
    throw new FakeApiError(400, DiscordErrorCode.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged.');
  }
  // Discord forgets an interaction not answered within 3 s: the user sees "The application did not respond".
  if (Date.now() - interaction.createdAt > ctx.interactionDeadlines.responseMs) {
    throw new FakeApiError(404, DiscordErrorCode.UnknownInteraction, 'Unknown interaction');
  }
  const type = Number(req.body.type);
  const data = (req.body.data ?? {}) as Record<string, unknown>;
  record(ctx, interaction, 'callback', req, type);
  checkSentContent(data);
  interaction.acknowledged = true;
  let message: APIMessage | null = null;
  if (type === CallbackType.ChannelMessage || type === CallbackType.DeferredChannelMessage) {
    const flags = Number(data.flags ?? 0) | (type === CallbackType.DeferredChannelMessage ? MessageFlags.Loading : 0);
    message = deliverMessage(
      ctx,
      {
        channelId: interaction.channelId,
        author: userPayload(ctx.store.user(ctx.botUserId)),
        content: type === CallbackType.ChannelMessage ? String(data.content ?? '') : '',
        embeds: Array.isArray(data.embeds) ? data.embeds : [],
        attachments: attachmentsFor(ctx, interaction.channelId, req.files),
        webhookId: ctx.applicationId,
        applicationId: ctx.applicationId,
        flags,
      },
      // Ephemeral responses are seen only by the invoking user, never by the gateway.
      { dispatch: (flags & MessageFlags.Ephemeral) === 0 },
    );
    interaction.originalMessageId = message.id;
  }
  if (req.query.get('with_response') !== 'true') return {};
  return {
    body: {
      interaction: {
        id: interaction.id,
        type: 2,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading: type === CallbackType.DeferredChannelMessage,
        response_message_ephemeral: message ? (Number(message.flags) & MessageFlags.Ephemeral) !== 0 : false,
      },
      resource: { type, ...(message ? { message } : {}) },
    },
  };
}

/** POST /webhooks/:appId/:token: an interaction follow-up message. */
export function postFollowup(req: RouteRequest, ctx: FakeContext): RouteResponse {
  const interaction = byToken(ctx, req);
  record(ctx, interaction, 'followup', req, null);
  checkSentContent(req.body);
  // As Discord does for backwards compatibility: the first follow-up to a deferral that is still
  // "thinking…" resolves it, editing that message, whose visibility (public or ephemeral) it keeps.
  const original = interaction.originalMessageId ? ctx.store.findMessage(interaction.originalMessageId) : undefined;
  if (original && (Number(original.flags ?? 0) & MessageFlags.Loading) !== 0) {
    const resolved = original as APIMessage & Record<string, unknown>;
    resolved.content = String(req.body.content ?? '');
    resolved.attachments = attachmentsFor(ctx, original.channel_id, req.files);
    resolved.embeds = resolveEmbedAttachments(Array.isArray(req.body.embeds) ? (req.body.embeds as APIEmbed[]) : [], resolved.attachments);
    resolved.flags = Number(original.flags) & ~MessageFlags.Loading;
    if ((resolved.flags & MessageFlags.Ephemeral) === 0) ctx.gateway.dispatch('MESSAGE_UPDATE', resolved);
    return { body: resolved };
  }
  const message = deliverMessage(ctx, {
    channelId: interaction.channelId,
    author: userPayload(ctx.store.user(ctx.botUserId)),
    content: String(req.body.content ?? ''),
    embeds: Array.isArray(req.body.embeds) ? req.body.embeds : [],
    attachments: attachmentsFor(ctx, interaction.channelId, req.files),
    webhookId: ctx.applicationId,
    applicationId: ctx.applicationId,
    flags: Number(req.body.flags ?? 0),
  });
  return { body: message };
}

function getMessage(req: RouteRequest, ctx: FakeContext): RouteResponse {
  return { body: findMessage(ctx, req).message };
}

function editMessage(req: RouteRequest, ctx: FakeContext): RouteResponse {
  const { message, interaction } = findMessage(ctx, req);
  if (interaction) record(ctx, interaction, req.params.messageId === '@original' ? 'editOriginal' : 'editFollowup', req, null);
  checkSentContent(req.body);
  const edited = message as APIMessage & Record<string, unknown>;
  if (req.body.content !== undefined) edited.content = String(req.body.content ?? '');
  if (req.body.embeds !== undefined) edited.embeds = Array.isArray(req.body.embeds) ? req.body.embeds : [];
  if (req.files.length > 0) edited.attachments = [...edited.attachments, ...attachmentsFor(ctx, message.channel_id, req.files)];
  // As on a new message: the edited embeds' attachment:// references resolve against its files.
  edited.embeds = resolveEmbedAttachments(edited.embeds, edited.attachments);
  edited.flags = Number(edited.flags ?? 0) & ~MessageFlags.Loading;
  if (req.body.flags !== undefined) edited.flags = (edited.flags & ~EDITABLE_FLAGS) | validFlags(req.body.flags, EDITABLE_FLAGS);
  // Discord serialises a message with SUPPRESS_EMBEDS without any embed, its own included.
  if (edited.flags & MessageFlags.SuppressEmbeds) edited.embeds = [];
  edited.edited_timestamp = new Date().toISOString();
  if ((Number(edited.flags) & MessageFlags.Ephemeral) === 0) ctx.gateway.dispatch('MESSAGE_UPDATE', edited);
  return { body: edited };
}

function deleteMessage(req: RouteRequest, ctx: FakeContext): RouteResponse {
  const { message, interaction } = findMessage(ctx, req);
  if (interaction) record(ctx, interaction, 'deleteOriginal', req, null);
  const list = ctx.store.channelMessages(message.channel_id);
  list.splice(list.indexOf(message), 1);
  ctx.gateway.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: ctx.store.channel(message.channel_id).guildId });
  return {};
}

/** Resolves `@original` or a message id, for interaction tokens and ordinary webhook tokens alike. */
function findMessage(ctx: FakeContext, req: RouteRequest): { message: APIMessage; interaction: InteractionRecord | null } {
  if (req.params.webhookId === ctx.applicationId) {
    const interaction = byToken(ctx, req);
    const id = req.params.messageId === '@original' ? interaction.originalMessageId : req.params.messageId;
    const message = id ? ctx.store.findMessage(id) : undefined;
    if (!message) throw unknownMessage();
    return { message, interaction };
  }
  const webhook = ctx.store.webhook(req.params.webhookId ?? '');
  if (webhook.token !== req.params.token) {
    throw new FakeApiError(401, DiscordErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
  }
  const message = ctx.store.findMessage(req.params.messageId ?? '');
  if (!message || message.webhook_id !== webhook.id) throw unknownMessage();
  return { message, interaction: null };
}

function byToken(ctx: FakeContext, req: RouteRequest): InteractionRecord {
  const interaction = [...ctx.interactions.values()].find((i) => i.token === req.params.token);
  if (!interaction) throw new FakeApiError(404, DiscordErrorCode.UnknownWebhook, 'Unknown Webhook');
  // An interaction token serves follow-ups and edits for 15 minutes after the command.
  if (Date.now() - interaction.createdAt > ctx.interactionDeadlines.tokenMs) {
    throw new FakeApiError(401, DiscordErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
  }
  return interaction;
}

function record(ctx: FakeContext, interaction: InteractionRecord, kind: InteractionResponseKind, req: RouteRequest, callbackType: number | null): void {
  ctx.recorder.interactionResponses.push({
    at: Date.now(),
    interactionId: interaction.id,
    kind,
    callbackType,
    body: req.body,
    files: req.files,
  });
}
