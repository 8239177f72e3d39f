import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { personas, snowflake } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const jobLost = () => new FeelbotError(ErrorCodes.JobLost, 'This run lost its job to another worker before posting the reply.');

/**
 * A worker paused (docker pause, a VM stall) while it waits to post resumes where it stopped, maybe
 * after another worker took its job over and posted: the replier asks `beforeSend` once it has
 * waited for everything, right before each send, and sends nothing when it rejects.
 */
describe('the check the replier makes just before sending a reply', () => {
  const redis = usePrivateRedis();
  const fake = useFakeDiscord();

  function replier(prefix = `{before-send-${randomUUID().slice(0, 8)}}`) {
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => fake.discord.applicationId);
    return { prefix, replier: new WebhookReplier(rest, directory, new AvatarStore()) };
  }

  function newChannel() {
    const channel = fake.discord.addChannel({ guildId: fake.discord.world.guild.id, type: 0, name: `before-send-${randomUUID().slice(0, 4)}` });
    return { origin: 'discord' as const, guildId: fake.discord.world.guild.id, channelId: channel.id };
  }

  const executionsIn = (channelId: string) => fake.discord.webhookExecutions().filter((execution) => execution.channelId === channelId);

  it("is asked only once another worker's wait for the channel's webhook lock is over, and its rejection posts nothing", async () => {
    const { prefix, replier: post } = replier();
    const target = newChannel();
    const lock = feelbotKey(prefix, 'webhook-lock', target.channelId);
    await redis.connection.set(lock, 'another worker', 'PX', 60_000);
    let releasedAt = 0;
    const askedAt: number[] = [];
    const posting = post.post({ target, persona: personas.joy, content: 'Yay!' }, {
      beforeSend: async () => {
        askedAt.push(Date.now());
        throw jobLost();
      },
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(askedAt).toEqual([]);
    releasedAt = Date.now();
    await redis.connection.del(lock);

    expect(await posting).toMatchObject({ code: 'JOB_LOST' });
    expect(askedAt).toHaveLength(1);
    expect(askedAt[0]).toBeGreaterThanOrEqual(releasedAt);
    expect(executionsIn(target.channelId)).toEqual([]);
  });

  it('a check that passes lets the reply through, asked once', async () => {
    const { replier: post } = replier();
    const target = newChannel();
    let asked = 0;
    await post.post({ target, persona: personas.joy, content: 'Yay!' }, { beforeSend: async () => void asked++ });
    expect(asked).toBe(1);
    expect(executionsIn(target.channelId)).toEqual([expect.objectContaining({ content: 'Yay!' })]);
  });

  it('a send through a fresh webhook, after the cached one turned out stale, is checked again', async () => {
    const { replier: post } = replier();
    const target = newChannel();
    await post.post({ target, persona: personas.love, content: 'first' });
    fake.discord.store.webhook(executionsIn(target.channelId)[0]!.webhookId).token = 'reset-by-an-admin';
    let asked = 0;
    await post.post({ target, persona: personas.love, content: 'second' }, { beforeSend: async () => void asked++ });
    expect(asked).toBe(2);
    expect(executionsIn(target.channelId).map((execution) => execution.content)).toEqual(['first', 'second']);
  });

  it('in a DM too: a rejection posts no message, whatever its nonce', async () => {
    const { dm } = fake.discord.world.channels;
    const before = fake.discord.channelMessages(dm.id).length;
    const { replier: post } = replier();
    const reply = { target: { origin: 'discord' as const, guildId: null, channelId: dm.id }, persona: personas.love, content: 'You matter.', nonce: snowflake() };
    await expect(post.post(reply, { beforeSend: async () => Promise.reject(jobLost()) })).rejects.toMatchObject({ code: 'JOB_LOST' });
    expect(fake.discord.channelMessages(dm.id)).toHaveLength(before);
  });
});
