import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { personas } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { closedPort } from '../../support/closed-port.js';
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

  /**
   * A replier as the worker wires it: makes webhooks and posts through clients that never repeat
   * a request, here with a short timeout; posts go to `postApi` (Discord's API unless a test puts
   * something between).
   */
  function setup(postApi = discord.apiUrl) {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const onceRest = (api: string) => new REST({ api, retries: 0, timeout: POST_TIMEOUT_MS }).setToken(discord.token);
    const postRest = onceRest(postApi);
    const prefix = `{unconfirmed-${randomUUID().slice(0, 8)}}`;
    const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId, { createRest: onceRest(discord.apiUrl) });
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

  it('a post whose connection was reset after Discord received it: marked mayHavePosted', async () => {
    const cut = await startAnswerCuttingProxy(discord.apiUrl);
    try {
      const { post, channel } = setup(cut.apiUrl);
      const failure = await post('Yay!');
      expect(failure).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false, details: { mayHavePosted: true } });
      expect(discord.channelMessages(channel.id).map((message) => message.content)).toContain('Yay!');
    } finally {
      await cut.close();
    }
  });

  it('a post that never reached Discord (the connection was refused) is an ordinary retryable failure, not marked', async () => {
    const unreachable = `http://127.0.0.1:${await closedPort()}/api`;
    const { post, channel } = setup(unreachable);
    const failure = await post('Yay!');
    expect(failure).toMatchObject({ code: 'DISCORD_UNAVAILABLE', permanent: false, details: { errno: 'ECONNREFUSED' } });
    expect(failure).not.toHaveProperty('details.mayHavePosted');
    expect(discord.channelMessages(channel.id)).toHaveLength(0);
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

/**
 * A TCP proxy in front of Discord's API that passes each request on and resets the connection
 * when the answer comes: Discord has done what it was asked, and the client never hears it.
 */
async function startAnswerCuttingProxy(apiUrl: string): Promise<{ apiUrl: string; close: () => Promise<void> }> {
  const target = new URL(apiUrl);
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.pipe(upstream);
    upstream.once('data', () => {
      client.resetAndDestroy();
      upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}${target.pathname}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
