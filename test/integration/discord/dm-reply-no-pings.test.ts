import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * A DM reply is no webhook post: WebhookReplier.postDirect sends it as the bot's own message
 * (POST /channels/:id/messages). Nothing else checks that this path, too, tells Discord to ping no one.
 */
describe('a reply in a DM, posted as the bot itself', () => {
  const redis = usePrivateRedis();
  const fake = useFakeDiscord();

  it('sends allowed_mentions that let nothing ping, whatever the reply text says', async () => {
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    const directory = new WebhookDirectory(rest, redis.connection, `{dm-pings-${randomUUID().slice(0, 8)}}`, async () => fake.discord.applicationId);
    const replier = new WebhookReplier(rest, directory, new AvatarStore());
    const { dm } = fake.discord.world.channels;
    const since = fake.discord.requests.length;
    await replier.post({
      target: { origin: 'discord' as const, guildId: null, channelId: dm.id },
      persona: personas.joy,
      content: `@everyone look! <@${fake.discord.world.users.member.id}>`,
    });
    const posts = fake.discord.requests.slice(since).filter((r) => r.method === 'POST' && r.path === `/channels/${dm.id}/messages`);
    expect(posts).toHaveLength(1);
    expect((posts[0]!.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
  });
});
