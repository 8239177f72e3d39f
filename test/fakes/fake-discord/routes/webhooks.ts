import { ChannelType, MessageFlags, PermissionFlagsBits, type APIAllowedMentions, type APIEmbed } from 'discord-api-types/v10';
import { checkSentContent } from '../valid-content.js';
import { checkAvatarUrl } from '../valid-avatar-url.js';
import { DiscordErrorCode, FakeApiError, invalidFormBody, missingPermissions, unknownChannel } from '../api-error.js';
import type { FakeContext } from '../context.js';
import { attachmentsFor, decodeAvatar, deliverMessage, hasMessageContent } from '../deliver-message.js';
import { webhookAuthor, webhookPayload } from '../payloads/webhook.js';
import { channelPermissions, hasPermission } from '../permissions.js';
import type { Route, RouteRequest } from '../router.js';
import { nextSnowflake, randomToken } from '../snowflake.js';
import { validFlags } from '../valid-flags.js';
import type { WebhookRecord } from '../store.js';
import { visibleChannel } from './guilds.js';
import { interactionWebhookRoutes, postFollowup } from './interactions.js';

/** Discord allows at most 1,000 webhooks per guild. */
const MAX_WEBHOOKS_PER_GUILD = 1_000;
/** Discord allows at most 15 webhooks per channel. */
const MAX_WEBHOOKS_PER_CHANNEL = 15;

/** The only message flags Execute Webhook accepts (Discord API, "Execute Webhook"). */
const EXECUTE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** Channel types that can own webhooks; threads, categories and DMs cannot. */
const WEBHOOK_CHANNEL_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
]);

export const webhookRoutes: Route[] = [
  { method: 'GET', pattern: '/channels/:channelId/webhooks', auth: 'bot', handler: listChannelWebhooks },
  { method: 'POST', pattern: '/channels/:channelId/webhooks', auth: 'bot', handler: createWebhook },
  { method: 'GET', pattern: '/webhooks/:webhookId', auth: 'bot', handler: (req, ctx) => ({ body: show(ctx, req) }) },
  { method: 'PATCH', pattern: '/webhooks/:webhookId', auth: 'bot', handler: editWebhook },
  { method: 'DELETE', pattern: '/webhooks/:webhookId', auth: 'bot', handler: deleteWebhook },
  ...interactionWebhookRoutes,
  { method: 'GET', pattern: '/webhooks/:webhookId/:token', auth: 'none', handler: (req, ctx) => ({ body: show(ctx, req) }) },
  { method: 'PATCH', pattern: '/webhooks/:webhookId/:token', auth: 'none', handler: editWebhook },
  { method: 'DELETE', pattern: '/webhooks/:webhookId/:token', auth: 'none', handler: deleteWebhook },
  { method: 'POST', pattern: '/webhooks/:webhookId/:token', auth: 'none', handler: executeWebhook },
];

function listChannelWebhooks(req: RouteRequest, ctx: FakeContext) {
  const channel = visibleChannel(ctx, req.params.channelId ?? '');
  requireManageWebhooks(ctx, channel.id);
  return { body: ctx.store.channelWebhooks(channel.id).map((w) => webhookPayload(ctx.store, w, ctx.apiBase)) };
}

function createWebhook(req: RouteRequest, ctx: FakeContext) {
  const channel = visibleChannel(ctx, req.params.channelId ?? '');
  if (!WEBHOOK_CHANNEL_TYPES.has(channel.type) || !channel.guildId) {
    throw new FakeApiError(400, DiscordErrorCode.WrongChannelType, 'Cannot execute action on this channel type');
  }
  requireManageWebhooks(ctx, channel.id);
  const name = validName(req.body.name);
  if (ctx.store.channelWebhooks(channel.id).length >= MAX_WEBHOOKS_PER_CHANNEL) {
    throw new FakeApiError(400, DiscordErrorCode.MaximumWebhooks, 'Maximum number of webhooks reached (15)');
  }
  if ([...ctx.store.webhooks.values()].filter((w) => w.guildId === channel.guildId).length >= MAX_WEBHOOKS_PER_GUILD) {
    throw new FakeApiError(400, DiscordErrorCode.MaximumGuildWebhooks, 'Maximum number of guild webhooks reached (1000)');
  }
  const avatar = decodeAvatar(req.body.avatar);
  const webhook: WebhookRecord = {
    id: nextSnowflake(),
    token: randomToken(),
    channelId: channel.id,
    guildId: channel.guildId,
    name,
    avatarHash: avatar?.hash ?? null,
    avatarBytes: avatar?.bytes ?? null,
    creatorId: ctx.botUserId,
    applicationId: ctx.applicationId,
  };
  ctx.store.webhooks.set(webhook.id, webhook);
  return { body: webhookPayload(ctx.store, webhook, ctx.apiBase) };
}

function editWebhook(req: RouteRequest, ctx: FakeContext) {
  const webhook = authorizedWebhook(ctx, req);
  if (req.body.name !== undefined) webhook.name = validName(req.body.name);
  if (req.body.avatar !== undefined) {
    const avatar = decodeAvatar(req.body.avatar);
    webhook.avatarHash = avatar?.hash ?? null;
    webhook.avatarBytes = avatar?.bytes ?? null;
  }
  if (typeof req.body.channel_id === 'string' && !req.params.token) {
    webhook.channelId = ctx.store.channel(req.body.channel_id).id;
  }
  return { body: webhookPayload(ctx.store, webhook, ctx.apiBase) };
}

function deleteWebhook(req: RouteRequest, ctx: FakeContext) {
  const webhook = authorizedWebhook(ctx, req);
  ctx.store.webhooks.delete(webhook.id);
  return {};
}

function show(ctx: FakeContext, req: RouteRequest) {
  return webhookPayload(ctx.store, authorizedWebhook(ctx, req), ctx.apiBase);
}

function executeWebhook(req: RouteRequest, ctx: FakeContext) {
  // The application id doubles as the webhook id of every interaction's follow-ups.
  if (req.params.webhookId === ctx.applicationId) return postFollowup(req, ctx);
  const webhook = authorizedWebhook(ctx, req);
  const channelId = targetChannelId(ctx, webhook, req.query.get('thread_id'));
  if (!hasMessageContent(req.body, req.files)) {
    throw new FakeApiError(400, DiscordErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
  }
  checkSentContent(req.body);
  checkAvatarUrl(req.body);
  const username = shownUsername(req.body.username);
  const content = typeof req.body.content === 'string' ? req.body.content : '';
  const embeds = (Array.isArray(req.body.embeds) ? req.body.embeds : []) as APIEmbed[];
  const flags = validFlags(req.body.flags, EXECUTE_FLAGS);
  const message = deliverMessage(ctx, {
    channelId,
    author: webhookAuthor(webhook, username ?? undefined),
    content,
    // Discord serialises a message with SUPPRESS_EMBEDS without any embed, its own included.
    embeds: flags & MessageFlags.SuppressEmbeds ? [] : embeds,
    attachments: attachmentsFor(ctx, channelId, req.files),
    webhookId: webhook.id,
    // "If the message is an Interaction or application-owned webhook, this is the id of the application" (Discord, Message object).
    applicationId: webhook.applicationId ?? undefined,
    flags,
  });
  ctx.recorder.webhookExecutions.push({
    at: Date.now(),
    webhookId: webhook.id,
    channelId: webhook.channelId,
    threadId: channelId === webhook.channelId ? null : channelId,
    username,
    avatarUrl: typeof req.body.avatar_url === 'string' ? req.body.avatar_url : null,
    webhookAvatarHash: webhook.avatarHash,
    webhookAvatarBytes: webhook.avatarBytes,
    content,
    embeds,
    allowedMentions: (req.body.allowed_mentions as APIAllowedMentions | undefined) ?? null,
    flags,
    files: req.files,
    messageId: message.id,
  });
  return req.query.get('wait') === 'true' ? { body: message } : {};
}

/** The channel a webhook message lands in: the webhook's channel, or a thread of it via `thread_id`. */
function targetChannelId(ctx: FakeContext, webhook: WebhookRecord, threadId: string | null): string {
  const parent = ctx.store.channel(webhook.channelId);
  if (threadId) {
    const thread = ctx.store.channels.get(threadId);
    if (!thread || thread.parentId !== webhook.channelId) throw unknownChannel();
    return thread.id;
  }
  if (parent.type === ChannelType.GuildForum || parent.type === ChannelType.GuildMedia) {
    throw new FakeApiError(
      400,
      DiscordErrorCode.ForumWebhookNeedsThread,
      'Webhooks posted to forum channels must have a thread_name or thread_id',
    );
  }
  return parent.id;
}

function authorizedWebhook(ctx: FakeContext, req: RouteRequest): WebhookRecord {
  const webhook = ctx.store.webhook(req.params.webhookId ?? '');
  if (req.params.token !== undefined && req.params.token !== webhook.token) {
    throw new FakeApiError(401, DiscordErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
  }
  if (req.params.token === undefined) requireManageWebhooks(ctx, webhook.channelId);
  return webhook;
}

function requireManageWebhooks(ctx: FakeContext, channelId: string): void {
  const permissions = channelPermissions(ctx.store, ctx.store.channel(channelId), ctx.botUserId);
  if (!hasPermission(permissions, PermissionFlagsBits.ManageWebhooks)) throw missingPermissions();
}

/** Discord's longest webhook name or username, in characters (code points: an emoji is one; discord-api-docs#1315). */
const MAX_WEBHOOK_NAME_CHARS = 80;

/** Webhook names, and the usernames webhook messages post under, are 1–80 characters without "clyde" or "discord". */
function validName(name: unknown, field = 'name'): string {
  const chars = typeof name === 'string' ? [...name].length : 0;
  if (typeof name !== 'string' || chars < 1 || chars > MAX_WEBHOOK_NAME_CHARS || /clyde|discord/i.test(name.replace(INVISIBLE, ''))) {
    throw invalidFormBody(`Invalid Form Body: ${field}`);
  }
  // Nor may it be "everyone" or "here" (Discord's Usernames and Nicknames rules; a webhook post is
  // refused 50035 USERNAME_INVALID 'Username cannot be "here"').
  if (/^(everyone|here)$/i.test(name.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim())) {
    throw invalidFormBody(`Invalid Form Body: ${field}: Username cannot be "${name.trim().toLowerCase()}"`);
  }
  return name;
}

/** Zero-width and other characters that show nothing, which Discord's name sanitiser removes. */
const INVISIBLE = /[\p{Cf}\p{Cc}]/gu;

/**
 * The username an execute posts under, as Discord's sanitiser leaves it: invisible characters
 * dropped, whitespace trimmed and collapsed; nothing left means the webhook's own name shows
 * (discord-api-docs#4218: a blank username is ignored silently).
 */
function shownUsername(name: unknown): string | null {
  if (name === undefined) return null;
  const cleaned = validName(name, 'username').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return cleaned.length > 0 ? cleaned : null;
}
