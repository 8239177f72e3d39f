import type { APIGuildMember, APIRole, GuildMemberFlags, RoleFlags } from 'discord-api-types/v10';
import { channelPermissions } from '../permissions.js';
import type { ChannelRecord, FakeStore, GuildRecord, MemberRecord, RoleRecord } from '../store.js';
import { channelPayload } from './channel.js';
import { userPayload } from './user.js';

export function rolePayload(role: RoleRecord): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
    mentionable: false,
    // The flag enums have no zero member; 0 is the API's "no flags".
    flags: 0 as RoleFlags,
  };
}

/** A guild member with its nested user, as in GUILD_CREATE and GET /guilds/:id/members/:uid. */
export function memberPayload(store: FakeStore, member: MemberRecord): APIGuildMember {
  return {
    user: userPayload(store.user(member.userId)),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roleIds,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
  };
}

/**
 * A member as embedded in interactions: it carries the resolved `permissions` string, which Discord
 * computes for the interaction's channel, overwrites included.
 */
export function interactionMemberPayload(store: FakeStore, member: MemberRecord, channel: ChannelRecord) {
  return {
    ...memberPayload(store, member),
    permissions: channelPermissions(store, channel, member.userId).toString(),
  };
}

/** The guild object of GET /guilds/:id. */
export function guildPayload(guild: GuildRecord) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: guild.roles.map(rolePayload),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
  };
}

/** The GUILD_CREATE dispatch: the guild plus the extra fields only the gateway sends. */
export function guildCreatePayload(store: FakeStore, guild: GuildRecord) {
  const channels = store.guildChannels(guild.id);
  const members = store.guildMembers(guild.id);
  const isThreadRecord = (type: number) => type === 10 || type === 11 || type === 12;
  return {
    ...guildPayload(guild),
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: members.length,
    voice_states: [],
    members: members.map((member) => memberPayload(store, member)),
    channels: channels.filter((c) => !isThreadRecord(c.type)).map((c) => channelPayload(store, c)),
    // Active threads only, as Discord sends: an archived one is known to a client only once it is fetched.
    threads: channels.filter((c) => isThreadRecord(c.type) && !c.archived).map((c) => channelPayload(store, c)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
