import { ChannelType } from 'discord-api-types/v10';
import type { Route } from '../router.js';
import { channelPayload } from '../payloads/channel.js';
import { userPayload } from '../payloads/user.js';
import { nextSnowflake } from '../snowflake.js';

/** Identity, gateway discovery and DM creation: what a client calls before anything else. */
export const metaRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/users/@me',
    auth: 'bot',
    handler: (_req, ctx) => ({ body: userPayload(ctx.store.user(ctx.botUserId)) }),
  },
  {
    method: 'GET',
    pattern: '/users/:userId',
    auth: 'bot',
    handler: (req, ctx) => ({ body: userPayload(ctx.store.user(req.params.userId ?? '')) }),
  },
  {
    method: 'GET',
    pattern: '/gateway',
    auth: 'none',
    handler: (_req, ctx) => ({ body: { url: ctx.gatewayUrl } }),
  },
  {
    method: 'GET',
    pattern: '/gateway/bot',
    auth: 'bot',
    handler: (_req, ctx) => ({
      body: {
        url: ctx.gatewayUrl,
        shards: ctx.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      },
    }),
  },
  {
    method: 'GET',
    pattern: '/applications/@me',
    auth: 'bot',
    handler: (_req, ctx) => ({
      body: {
        id: ctx.applicationId,
        name: ctx.store.user(ctx.botUserId).username,
        icon: null,
        description: '',
        bot_public: true,
        bot_require_code_grant: false,
        bot: userPayload(ctx.store.user(ctx.botUserId)),
        verify_key: '0'.repeat(64),
        flags: 0,
        owner: userPayload(ctx.store.user(ctx.botUserId)),
        team: null,
      },
    }),
  },
  {
    method: 'POST',
    pattern: '/users/@me/channels',
    auth: 'bot',
    handler: (req, ctx) => {
      const recipientId = String(req.body.recipient_id ?? '');
      ctx.store.user(recipientId);
      const existing = [...ctx.store.channels.values()].find(
        (c) => c.type === ChannelType.DM && c.recipientIds.includes(recipientId),
      );
      const channel = existing ?? {
        id: nextSnowflake(),
        type: ChannelType.DM,
        name: null,
        guildId: null,
        parentId: null,
        position: 0,
        overwrites: [],
        topic: null,
        recipientIds: [recipientId],
        ownerId: null,
        archived: false,
        locked: false,
      };
      ctx.store.channels.set(channel.id, channel);
      return { body: channelPayload(ctx.store, channel) };
    },
  },
];
