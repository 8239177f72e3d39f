import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { applyPersonaLook } from '../../../src/domain/apply-persona-look.js';
import { PersonaLookSchema } from '../../../src/domain/guild-settings.js';
import { personas } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * Discord refuses the usernames "everyone" and "here" (its Usernames and Nicknames rules), on a
 * webhook post too: 400 Invalid Form Body. A look stored with one (before the check, or by hand)
 * must not make every reply of that persona in the server fail.
 */
describe('a persona look naming the persona "here" or "everyone" (real REST client, fake Discord)', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  it('is passed over: the reply posts under the persona\'s own name', async () => {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const directory = new WebhookDirectory(rest, redis.connection, `{reserved-${randomUUID().slice(0, 8)}}`, async () => discord.applicationId);
    const replier = new WebhookReplier(rest, directory, new AvatarStore(), { avatarBaseUrl: 'https://cdn.example.com/avatars' });
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: discord.world.channels.text.id };
    for (const name of ['here', 'Everyone']) {
      const persona = applyPersonaLook(personas.joy, PersonaLookSchema.parse({ name }));
      const { messageId } = await replier.post({ target, persona, content: `Yay from ${name}!` });
      const posted = discord.channelMessages(target.channelId).find((message) => message.id === messageId);
      expect(posted?.author.username, name).toBe(personas.joy.name);
    }
  });
});
