import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const jobLost = () => new FeelbotError(ErrorCodes.JobLost, 'This run lost its job to another worker before posting the reply.');

/**
 * When Discord refuses the persona's avatar URL, the reply is sent a second time without it: that
 * second send is checked like the first, since the run may have lost its job in between.
 */
describe('the repeat of a reply without the avatar URL Discord refused', () => {
  const redis = usePrivateRedis();
  const fake = useFakeDiscord();

  /** A host without a dot, which the fake Discord refuses as "Not a well formed URL" (50035 under avatar_url). */
  function replierWithRefusedAvatars() {
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    const directory = new WebhookDirectory(rest, redis.connection, `{avatar-retry-${randomUUID().slice(0, 8)}}`, async () => fake.discord.applicationId);
    return new WebhookReplier(rest, directory, new AvatarStore(), { avatarBaseUrl: 'https://avatars/base' });
  }

  function newChannel() {
    const channel = fake.discord.addChannel({ guildId: fake.discord.world.guild.id, type: 0, name: `avatar-retry-${randomUUID().slice(0, 4)}` });
    return { origin: 'discord' as const, guildId: fake.discord.world.guild.id, channelId: channel.id };
  }

  const executionsIn = (channelId: string) => fake.discord.webhookExecutions().filter((execution) => execution.channelId === channelId);

  it('is not sent when the check before it finds the job lost, and the post fails JOB_LOST', async () => {
    const target = newChannel();
    let asked = 0;
    const failure = await replierWithRefusedAvatars()
      .post({ target, persona: personas.love, content: 'Still here <3' }, {
        beforeSend: async () => {
          asked++;
          if (asked > 1) throw jobLost();
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FeelbotError);
    expect(failure).toMatchObject({ code: 'JOB_LOST' });
    expect(asked).toBe(2);
    expect(executionsIn(target.channelId)).toEqual([]);
  });

  it('is sent once the check before it passes, which is asked before each of the two sends', async () => {
    const target = newChannel();
    let asked = 0;
    await replierWithRefusedAvatars().post({ target, persona: personas.love, content: 'Still here <3' }, { beforeSend: async () => void asked++ });
    expect(asked).toBe(2);
    expect(executionsIn(target.channelId)).toEqual([expect.objectContaining({ username: 'Love', content: 'Still here <3', avatarUrl: null })]);
  });
});
