import { PermissionFlagsBits } from 'discord-api-types/v10';
import { missingPermissions } from '../api-error.js';
import type { FakeContext } from '../context.js';
import { channelPayload } from '../payloads/channel.js';
import { guildPayload, memberPayload } from '../payloads/guild.js';
import { channelPermissions, hasPermission } from '../permissions.js';
import type { Route } from '../router.js';
import type { ChannelRecord } from '../store.js';

/** Reads of guilds, their channels and members. */
export const guildRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/guilds/:guildId',
    auth: 'bot',
    handler: (req, ctx) => ({ body: guildPayload(ctx.store.guild(req.params.guildId ?? '')) }),
  },
  {
    method: 'GET',
    pattern: '/guilds/:guildId/channels',
    auth: 'bot',
    handler: (req, ctx) => {
      ctx.store.guild(req.params.guildId ?? '');
      // Threads are listed by their own endpoints, never here.
      const channels = ctx.store.guildChannels(req.params.guildId ?? '').filter((c) => c.type < 10 || c.type > 12);
      return { body: channels.map((c) => channelPayload(ctx.store, c)) };
    },
  },
  {
    method: 'GET',
    pattern: '/guilds/:guildId/members/:userId',
    auth: 'bot',
    handler: (req, ctx) => ({
      body: memberPayload(ctx.store, ctx.store.member(req.params.guildId ?? '', req.params.userId ?? '')),
    }),
  },
  {
    method: 'GET',
    pattern: '/channels/:channelId',
    auth: 'bot',
    handler: (req, ctx) => ({ body: channelPayload(ctx.store, visibleChannel(ctx, req.params.channelId ?? '')) }),
  },
];

/** A channel the bot can see; hidden ones answer 403 Missing Access like Discord. */
export function visibleChannel(ctx: FakeContext, channelId: string): ChannelRecord {
  const channel = ctx.store.channel(channelId);
  const permissions = channelPermissions(ctx.store, channel, ctx.botUserId);
  if (!hasPermission(permissions, PermissionFlagsBits.ViewChannel)) throw missingPermissions();
  return channel;
}
