import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { EmojiAvatars } from '../../../src/adapters/discord/emoji-avatars.js';
import { RefusedOwnWebhooks } from '../../../src/adapters/discord/persona-webhook.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AVATARS_DIR, AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import type { Persona } from '../../../src/domain/persona.js';
import { personas } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { closedPort } from '../../support/closed-port.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * Discord bans a client that makes too many refused requests (10,000 401, 403 or 429 in 10 minutes),
 * counted for the bot, not per process: what one worker learnt Discord refuses, every worker of
 * the deployment must know, or N workers repeat each refusal N times.
 */
describe('a refusal from Discord, remembered for every worker of the deployment', () => {
  const redis = usePrivateRedis();
  const dir = mkdtempSync(join(tmpdir(), 'avatars-'));
  const fake = useFakeDiscord();

  /** One worker as start-worker wires it, on the deployment's QUEUE_PREFIX; `emojis: false` leaves each persona its own webhook. */
  function worker(prefix: string, { emojis = true } = {}) {
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    const applicationId = async () => fake.discord.applicationId;
    const avatars = new AvatarStore();
    const refusedOwnWebhooks = new RefusedOwnWebhooks(redis.connection, prefix);
    const directory = new WebhookDirectory(rest, redis.connection, prefix, applicationId);
    if (!emojis) return new WebhookReplier(rest, directory, avatars, { refusedOwnWebhooks });
    const emojiAvatars = new EmojiAvatars(rest, redis.connection, prefix, avatars, applicationId, { cdnUrl: fake.discord.cdnUrl });
    return new WebhookReplier(rest, directory, avatars, { emojiAvatars, refusedOwnWebhooks });
  }

  /** Fear with an image over Discord's 256 KiB for an emoji, which no other test has. */
  function fearTooBigForAnEmoji(): Persona {
    const path = join(dir, `fear-${randomUUID().slice(0, 8)}.png`);
    writeFileSync(path, Buffer.concat([readFileSync(join(AVATARS_DIR, 'fear.png')), Buffer.alloc(300 * 1_024, 7)]));
    return { ...personas.fear, avatar: path };
  }

  const deployment = () => `{shared-${randomUUID().slice(0, 8)}}`;
  const refusedSince = (count: number) => fake.discord.requests.slice(count).filter((request) => request.status >= 400).map((request) => `${request.method} ${request.path} ${request.status}`);

  it("after worker A's persona webhook is refused at the channel's 15, worker B's post there makes no refused request", async () => {
    const prefix = deployment();
    const guildId = fake.discord.world.guild.id;
    const channel = fake.discord.addChannel({ guildId, type: 0, name: `crowded-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId, channelId: channel.id };
    // feelbot serves the channel through its shared webhook; other integrations fill it to 15.
    await worker(prefix).post({ target, persona: personas.joy, content: 'hi' });
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    for (let i = 0; i < 14; i++) await rest.post(`/channels/${channel.id}/webhooks`, { body: { name: `other ${i}` } });

    const [a, b] = [worker(prefix, { emojis: false }), worker(prefix, { emojis: false })];
    const beforeA = fake.discord.requests.length;
    await a.post({ target, persona: personas.fear, content: 'eek' });
    expect(refusedSince(beforeA)).toEqual([`POST /channels/${channel.id}/webhooks 400`]);
    const beforeB = fake.discord.requests.length;
    await b.post({ target, persona: personas.fear, content: 'eek again' });
    expect(refusedSince(beforeB)).toEqual([]);
    expect(fake.discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, username: 'Fear', avatarUrl: null, content: 'eek again' });
  });

  it("after worker A's avatar is refused as an emoji, worker B's post makes no second upload", async () => {
    const prefix = deployment();
    const guildId = fake.discord.world.guild.id;
    const channel = fake.discord.addChannel({ guildId, type: 0, name: `big-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId, channelId: channel.id };
    const fear = fearTooBigForAnEmoji();

    const beforeA = fake.discord.requests.length;
    await worker(prefix).post({ target, persona: fear, content: 'eek' });
    expect(refusedSince(beforeA)).toEqual([`POST /applications/${fake.discord.applicationId}/emojis 400`]);
    const beforeB = fake.discord.requests.length;
    await worker(prefix).post({ target, persona: fear, content: 'eek again' });
    expect(refusedSince(beforeB)).toEqual([]);
    expect(fake.discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, username: 'Fear', avatarUrl: null, content: 'eek again' });
  });

  it('a memory Redis cannot read counts as no refusal: the post asks Discord, goes through the shared webhook, and says so at debug', async () => {
    const guildId = fake.discord.world.guild.id;
    const channel = fake.discord.addChannel({ guildId, type: 0, name: `no-memory-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId, channelId: channel.id };
    const prefix = deployment();
    await worker(prefix).post({ target, persona: personas.joy, content: 'hi' });
    const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
    for (let i = 0; i < 14; i++) await rest.post(`/channels/${channel.id}/webhooks`, { body: { name: `other ${i}` } });
    // A connection that never reaches a Redis: every command fails at once.
    const down = new Redis({ port: await closedPort(), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on('error', () => undefined);
    const { logger, lines } = capturedLogger('debug');
    const applicationId = async () => fake.discord.applicationId;
    const avatars = new AvatarStore();
    const replier = new WebhookReplier(rest, new WebhookDirectory(rest, redis.connection, prefix, applicationId), avatars, {
      emojiAvatars: new EmojiAvatars(rest, down, prefix, avatars, applicationId, { cdnUrl: fake.discord.cdnUrl, logger }),
      refusedOwnWebhooks: new RefusedOwnWebhooks(down, prefix),
    });
    try {
      const before = fake.discord.requests.length;
      await replier.post({ target, persona: fearTooBigForAnEmoji(), content: 'eek' }, { log: logger });
      expect(refusedSince(before)).toEqual([`POST /applications/${fake.discord.applicationId}/emojis 400`, `POST /channels/${channel.id}/webhooks 400`]);
      expect(fake.discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, username: 'Fear', avatarUrl: null, content: 'eek' });
      const debug = lines.filter((line) => line.level === 'debug').map((line) => String(line.msg));
      expect(debug).toEqual(expect.arrayContaining([expect.stringContaining('could not be read from Redis'), expect.stringContaining('could not be remembered in Redis')]));
    } finally {
      down.disconnect();
    }
  });
});
