import { randomUUID } from 'node:crypto';
import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** "DMs are always answered": the person who wrote to the bot is told, as by any DM (no @silent flag). */
describe('a reply in a DM', () => {
  const redis = usePrivateRedis();
  const fake = useFakeDiscord();

  it('is not sent as a silent message: the person who wrote gets the notification a DM gives', async () => {
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    const directory = new WebhookDirectory(rest, redis.connection, `{dm-${randomUUID().slice(0, 8)}}`, async () => fake.discord.applicationId);
    const replier = new WebhookReplier(rest, directory, new AvatarStore());
    const { dm } = fake.discord.world.channels;
    const since = fake.discord.requests.length;
    await replier.post({ target: { origin: 'discord' as const, guildId: null, channelId: dm.id }, persona: personas.joy, content: 'That is wonderful news!' });
    const [post] = fake.discord.requests.slice(since).filter((r) => r.method === 'POST' && r.path === `/channels/${dm.id}/messages`);
    const flags = (post!.body as { flags?: number }).flags ?? 0;
    expect(flags & MessageFlags.SuppressNotifications).toBe(0);
  });
});
