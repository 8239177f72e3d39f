import { randomUUID } from 'node:crypto';
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { personas } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Short, so a held post times out within the test; the worker's client waits 15 s. */
const POST_TIMEOUT_MS = 300;

describe('a failed reply post says whether Discord may have posted it', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  /** A replier as the worker wires it: posts through a client that never repeats them, here with a short timeout. */
  function setup() {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const postRest = new REST({ api: discord.apiUrl, retries: 0, timeout: POST_TIMEOUT_MS }).setToken(discord.token);
    const prefix = `{unconfirmed-${randomUUID().slice(0, 8)}}`;
    const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId, { createRest: postRest });
    const replier = new WebhookReplier(rest, directory, new AvatarStore(), { postRest });
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `posts-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
    const post = (content: string) => replier.post({ target, persona: personas.joy, content }).then(() => undefined, (error: unknown) => error);
    return { post, channel };
  }

  it('a post Discord answered 502 after posting it: retryable, and marked mayHavePosted', async () => {
    const { post, channel } = setup();
    discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    const failure = await post('Yay!');
    expect(failure).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false, details: { status: 502, mayHavePosted: true } });
    expect(discord.channelMessages(channel.id)).toHaveLength(1);
  });

  it('a post that timed out: marked mayHavePosted, with a code', async () => {
    const { post } = setup();
    await post('first, to make the webhook');
    const release = discord.holdNext('POST /webhooks/:id/:token');
    const failure = await post('Yay!');
    release();
    expect(failure).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false, details: { mayHavePosted: true } });
  });

  it('a post Discord refused (4xx), and a failure before the post (making the webhook), are not marked', async () => {
    const refused = setup();
    await refused.post('first, to make the webhook');
    discord.failNext('POST /webhooks/:id/:token', [{ status: 400, code: 50_035, message: 'Invalid Form Body' }]);
    const refusal = await refused.post('Yay!');
    expect(refusal).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: true });
    expect(refusal).not.toHaveProperty('details.mayHavePosted');

    const unmade = setup();
    discord.failNext(`POST /channels/${unmade.channel.id}/webhooks`, [{ status: 502 }]);
    const beforePost = await unmade.post('Yay!');
    expect(beforePost).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false });
    expect(beforePost).not.toHaveProperty('details.mayHavePosted');
  });
});
