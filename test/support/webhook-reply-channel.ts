import { randomUUID } from 'node:crypto';
import type { REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { createDiscordRest } from '../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../src/adapters/files/avatar-store.js';
import type { MessageJob } from '../../src/jobs/message-job.js';
import type { FakeDiscord } from '../fakes/fake-discord/index.js';
import { buildMessageJob } from '../factories.js';

/** A fresh channel of the fake Discord's guild whose replies go through the real webhook replier, as a worker's do. */
export interface WebhookReplyChannel {
  readonly rest: REST;
  /** The Redis key prefix its webhook cache (and a ledger made for the test) live under. */
  readonly prefix: string;
  readonly channelId: string;
  readonly replier: WebhookReplier;
  /** A reply job for a message in this channel, received now. */
  readonly job: (overrides?: Partial<MessageJob>) => MessageJob;
  /** The persona posts in the channel so far (webhook messages). */
  readonly replies: () => ReturnType<FakeDiscord['channelMessages']>;
}

/**
 * Sets up a channel named `name-…` (and the prefix `{name-…}`) with the REST clients a worker
 * makes: one that repeats failed requests, and one that sends a post once.
 */
export function webhookReplyChannel(discord: FakeDiscord, redis: Redis, name: string): WebhookReplyChannel {
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  const postRest = createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false });
  const prefix = `{${name}-${randomUUID().slice(0, 8)}}`;
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `${name}-${randomUUID().slice(0, 4)}` });
  const directory = new WebhookDirectory(rest, redis, prefix, async () => discord.applicationId);
  return {
    rest,
    prefix,
    channelId: channel.id,
    replier: new WebhookReplier(rest, directory, new AvatarStore(), { postRest }),
    job: (overrides = {}) => buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, receivedAt: Date.now(), ...overrides }),
    replies: () => discord.channelMessages(channel.id).filter((posted) => posted.webhook_id),
  };
}
