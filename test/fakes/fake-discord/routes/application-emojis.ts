import { DiscordErrorCode, FakeApiError, invalidFormBody } from '../api-error.js';
import type { FakeContext } from '../context.js';
import { decodeAvatar } from '../deliver-message.js';
import { userPayload } from '../payloads/user.js';
import type { Route, RouteRequest } from '../router.js';
import { nextSnowflake } from '../snowflake.js';
import type { ApplicationEmojiRecord } from '../store.js';

/** Discord's limits on an application's own emojis ("Create Application Emoji"). */
const MAX_APPLICATION_EMOJIS = 2_000;
const MAX_EMOJI_BYTES = 256 * 1_024;
const EMOJI_NAME = /^[A-Za-z0-9_]{2,32}$/;

export const applicationEmojiRoutes: Route[] = [
  { method: 'GET', pattern: '/applications/:appId/emojis', auth: 'bot', handler: (req, ctx) => ({ body: { items: list(req, ctx) } }) },
  { method: 'POST', pattern: '/applications/:appId/emojis', auth: 'bot', handler: (req, ctx) => ({ status: 201, body: create(req, ctx) }) },
];

function ownApplication(req: RouteRequest, ctx: FakeContext): void {
  if (req.params.appId !== ctx.applicationId) throw new FakeApiError(403, DiscordErrorCode.MissingAccess, 'Missing Access');
}

function list(req: RouteRequest, ctx: FakeContext) {
  ownApplication(req, ctx);
  return [...ctx.store.applicationEmojis.values()].map((emoji) => emojiPayload(ctx, emoji));
}

function create(req: RouteRequest, ctx: FakeContext) {
  ownApplication(req, ctx);
  const name = req.body.name;
  if (typeof name !== 'string' || !EMOJI_NAME.test(name)) throw invalidFormBody('Invalid Form Body: name must be 2 to 32 letters, digits or underscores');
  if ([...ctx.store.applicationEmojis.values()].some((emoji) => emoji.name === name)) {
    throw invalidFormBody('Invalid Form Body: APPLICATION_EMOJI_NAME_ALREADY_TAKEN');
  }
  const image = decodeAvatar(req.body.image);
  if (!image) throw invalidFormBody('Invalid Form Body: image is required');
  if (image.bytes.length > MAX_EMOJI_BYTES) throw invalidFormBody('Invalid Form Body: image must be 256 KiB or less');
  if (ctx.store.applicationEmojis.size >= MAX_APPLICATION_EMOJIS) {
    throw new FakeApiError(400, DiscordErrorCode.MaximumEmojis, 'Maximum number of emojis reached (2000)');
  }
  const emoji: ApplicationEmojiRecord = { id: nextSnowflake(), name, bytes: image.bytes, contentType: image.contentType };
  ctx.store.applicationEmojis.set(emoji.id, emoji);
  return emojiPayload(ctx, emoji);
}

function emojiPayload(ctx: FakeContext, emoji: ApplicationEmojiRecord) {
  return {
    id: emoji.id,
    name: emoji.name,
    roles: [],
    user: userPayload(ctx.store.user(ctx.botUserId)),
    require_colons: true,
    managed: false,
    animated: false,
    available: true,
  };
}
