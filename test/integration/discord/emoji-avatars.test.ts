import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { EmojiAvatars, emojiAvatarName } from '../../../src/adapters/discord/emoji-avatars.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AVATARS_DIR, AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { personas } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const CDN = 'https://cdn.example.test';

describe("the personas' avatars as the application's emojis", () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  /** One worker's replier, as start-worker wires it (its own caches; Redis and Discord shared). */
  function worker(now?: () => number) {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const applicationId = async () => discord.applicationId;
    const avatars = new AvatarStore();
    const { logger, lines } = capturedLogger('warn');
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const emojiAvatars = new EmojiAvatars(rest, redis.connection, prefix, avatars, applicationId, { cdnUrl: CDN, logger, ...(now ? { now } : {}) });
    const directory = new WebhookDirectory(rest, redis.connection, prefix, applicationId);
    return { replier: new WebhookReplier(rest, directory, avatars, { emojiAvatars }), emojiAvatars, lines };
  }

  const emojiIdOf = (emotion: string) =>
    [...discord.store.applicationEmojis.values()].find((emoji) => emoji.name === emojiAvatarName(emotion, readFileSync(join(AVATARS_DIR, `${emotion}.png`))))?.id;

  it('one webhook per channel serves all six personas, each post carrying its avatar emoji\'s CDN URL; a second worker uploads nothing', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `emoji-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
    const before = discord.webhookExecutions().length;
    const first = worker();
    for (const emotion of EMOTIONS) await first.replier.post({ target, persona: personas[emotion], content: `${emotion} here` });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    const executions = discord.webhookExecutions().slice(before);
    expect(executions.map((execution) => execution.username)).toEqual(EMOTIONS.map((emotion) => personas[emotion].name));
    expect(executions.map((execution) => execution.avatarUrl)).toEqual(EMOTIONS.map((emotion) => `${CDN}/emojis/${emojiIdOf(emotion)}.png`));
    // Each emoji is the avatar file itself.
    for (const emotion of EMOTIONS) {
      expect(discord.store.applicationEmojis.get(emojiIdOf(emotion)!)!.bytes.equals(readFileSync(join(AVATARS_DIR, `${emotion}.png`)))).toBe(true);
    }
    const emojis = discord.store.applicationEmojis.size;
    await worker().replier.post({ target, persona: personas.joy, content: 'again' });
    expect(discord.store.applicationEmojis.size).toBe(emojis);
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    expect(discord.recorder.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/emojis'))).toHaveLength(EMOTIONS.length);
  });

  it('a JPEG avatar is uploaded as a JPEG, not declared a PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feelbot-jpeg-'));
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(randomUUID())]);
    writeFileSync(join(dir, 'sunny.jpg'), jpeg);
    const persona = { ...personas.joy, avatar: join(dir, 'sunny.jpg') };
    const url = await worker().emojiAvatars.urlFor(persona);
    const uploaded = [...discord.store.applicationEmojis.values()].find((emoji) => emoji.bytes.equals(jpeg));
    expect(url).toBe(`${CDN}/emojis/${uploaded!.id}.png`);
    expect(uploaded!.contentType).toBe('image/jpeg');
  });

  it('two workers uploading the same avatar at once end with one emoji and the same URL', async () => {
    const persona = { ...personas.love, avatar: join(AVATARS_DIR, 'love.png'), emotion: 'love' as const };
    discord.store.applicationEmojis.clear();
    const urls = await Promise.all([worker().emojiAvatars.urlFor(persona), worker().emojiAvatars.urlFor(persona)]);
    expect(discord.store.applicationEmojis.size).toBe(1);
    expect(urls[0]).toBe(`${CDN}/emojis/${emojiIdOf('love')}.png`);
    expect(urls[1]).toBe(urls[0]);
  });

  it('an avatar Discord refuses as an emoji gets its own webhook with its image, for 10 minutes, and a warning', async () => {
    discord.store.applicationEmojis.clear();
    let now = 1_000_000;
    const { replier, lines } = worker(() => now);
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `refused-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
    discord.failNext('POST /applications/:id/emojis', [{ status: 400, code: 30_008, message: 'Maximum number of emojis reached (2000)' }]);
    const before = discord.webhookExecutions().length;
    await replier.post({ target, persona: personas.fear, content: 'eek' });
    const [own] = discord.webhookExecutions().slice(before);
    expect(own).toMatchObject({ username: 'Fear', avatarUrl: null });
    expect(own!.webhookAvatarBytes?.equals(readFileSync(join(AVATARS_DIR, 'fear.png')))).toBe(true);
    expect(lines.filter((line) => String(line.msg).includes('could not be made an emoji'))).toHaveLength(1);
    // Still its own webhook within the 10 minutes, without asking Discord again; an emoji after them.
    now += 9 * 60_000;
    await replier.post({ target, persona: personas.fear, content: 'eek again' });
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ webhookId: own!.webhookId, avatarUrl: null });
    now += 2 * 60_000;
    await replier.post({ target, persona: personas.fear, content: 'better now' });
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ avatarUrl: `${CDN}/emojis/${emojiIdOf('fear')}.png` });
    expect(discord.webhookExecutions().at(-1)!.webhookId).not.toBe(own!.webhookId);
  });

  it('Discord failing an upload for a moment (503) fails the post as retryable and makes no webhook of the persona\'s own; the retry posts with the emoji', async () => {
    discord.store.applicationEmojis.clear();
    const { replier } = worker();
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `blip-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
    discord.failNext('POST /applications/:id/emojis', Array.from({ length: 4 }, () => ({ status: 503 })));
    const failure = await replier.post({ target, persona: personas.sadness, content: 'oh no' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(0);
    await replier.post({ target, persona: personas.sadness, content: 'oh no' });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, avatarUrl: `${CDN}/emojis/${emojiIdOf('sadness')}.png` });
  });

  it('an avatar file that cannot be read fails the post as PERSONA_FILE_INVALID, as it would for its own webhook', async () => {
    const { replier } = worker();
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: discord.world.channels.text.id };
    await expect(replier.post({ target, persona: { ...personas.joy, avatar: 'missing/nowhere.png' }, content: 'hi' })).rejects.toMatchObject({ code: 'PERSONA_FILE_INVALID' });
  });
});
