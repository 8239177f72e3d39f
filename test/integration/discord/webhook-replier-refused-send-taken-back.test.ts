import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier, type WebhookReplierOptions } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import type { PostContext } from '../../../src/ports/persona-replier.js';
import { personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * The attempt a run notes before each send is taken back as soon as Discord refuses that send in a
 * way that proves nothing was posted, before any wait for the next send; never when the send's
 * outcome is unknown.
 */
describe("the note of a reply's send Discord refused", () => {
  const redis = usePrivateRedis();
  const fake = useFakeDiscord();

  function replier(options: WebhookReplierOptions = {}) {
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    const postRest = createDiscordRest(fake.discord.apiUrl, fake.discord.token, { repeatsFailedRequests: false });
    const directory = new WebhookDirectory(rest, redis.connection, `{taken-back-${randomUUID().slice(0, 8)}}`, async () => fake.discord.applicationId);
    return new WebhookReplier(rest, directory, new AvatarStore(), { postRest, ...options });
  }

  function newChannel() {
    const channel = fake.discord.addChannel({ guildId: fake.discord.world.guild.id, type: 0, name: `taken-back-${randomUUID().slice(0, 4)}` });
    return { origin: 'discord' as const, guildId: fake.discord.world.guild.id, channelId: channel.id };
  }

  /** A run's notes, as attemptAtSend makes them: one before each send, and its taking back. */
  function notes(): { events: string[]; context: PostContext } {
    const events: string[] = [];
    return { events, context: { beforeSend: async () => (events.push('noted'), async () => void events.push('taken back')) } };
  }

  it('is taken back when the cached webhook was deleted, before a fresh one is looked up', async () => {
    const post = replier();
    const target = newChannel();
    await post.post({ target, persona: personas.joy, content: 'Made the webhook!' });
    fake.discord.deleteWebhook(fake.discord.webhookExecutions().at(-1)!.webhookId);

    const { events, context } = notes();
    const isWebhookLookup = (request: { path: string }) => request.path.startsWith(`/channels/${target.channelId}/webhooks`);
    const before = fake.discord.requests.length;
    const release = fake.discord.holdNext(isWebhookLookup);
    const posted = post.post({ target, persona: personas.joy, content: 'Through a fresh one' }, context);
    try {
      await fake.discord.waitFor(() => fake.discord.requests.slice(before).find(isWebhookLookup));
      expect(events).toEqual(['noted', 'taken back']);
    } finally {
      release();
    }

    await posted;
    expect(events).toEqual(['noted', 'taken back', 'noted']);
  });

  it('is taken back when Discord refused the avatar URL, before the check of the send without it', async () => {
    const { events, context } = notes();
    await replier({ avatarBaseUrl: 'https://avatars/base' }).post({ target: newChannel(), persona: personas.love, content: 'Still here <3' }, context);
    expect(events).toEqual(['noted', 'taken back', 'noted']);
  });

  it('stays when the send failed without Discord saying it did not post (a 502 after posting)', async () => {
    const target = newChannel();
    const { events, context } = notes();
    fake.discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    await expect(replier().post({ target, persona: personas.joy, content: 'Did it land?' }, context)).rejects.toMatchObject({ details: { mayHavePosted: true } });
    expect(events).toEqual(['noted']);
    expect(fake.discord.channelMessages(target.channelId).map((message) => message.content)).toEqual(['Did it land?']);
  });
});
