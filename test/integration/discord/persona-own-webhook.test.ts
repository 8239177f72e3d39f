import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { EmojiAvatars } from '../../../src/adapters/discord/emoji-avatars.js';
import { RefusedOwnWebhooks } from '../../../src/adapters/discord/persona-webhook.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AVATARS_DIR, AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { personaWebhookIds } from '../../../src/adapters/redis/persona-webhook-ids.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { webhookCacheKey } from '../../../src/adapters/redis/redis-webhook-cache.js';
import type { Persona } from '../../../src/domain/persona.js';
import { personas, snowflake } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const MAXIMUM_EMOJIS = { status: 400, code: 30_008, message: 'Maximum number of emojis reached (2000)' };

/**
 * A persona whose avatar Discord refuses as an emoji (the app's emoji limit, an image over 256 KiB)
 * posts through a webhook of its own per channel, made with its image: that webhook shows the
 * image the persona has now, and leaves the channel once the emoji serves again.
 */
describe("a persona's own webhook, made while its avatar could not be an emoji", () => {
  const redis = usePrivateRedis();
  const dir = mkdtempSync(join(tmpdir(), 'avatars-'));
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  /** A worker as start-worker wires it: `prefix` is the deployment's QUEUE_PREFIX (the Redis cache all workers share). */
  function worker(prefix: string, clock = { now: 1_000_000 }) {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const applicationId = async () => discord.applicationId;
    const avatars = new AvatarStore();
    const now = () => clock.now;
    const emojiAvatars = new EmojiAvatars(rest, redis.connection, prefix, avatars, applicationId, { cdnUrl: discord.cdnUrl, now });
    const directory = new WebhookDirectory(rest, redis.connection, prefix, applicationId, { now });
    return new WebhookReplier(rest, directory, avatars, { emojiAvatars, refusedOwnWebhooks: new RefusedOwnWebhooks(redis.connection, prefix, now) });
  }

  let images = 0;
  /** Fear with an image no other test has (the emojis outlive a test): `extraKiB` over 256 makes Discord refuse it as an emoji. */
  function fearWithAvatar(extraKiB = 1): Persona {
    images += 1;
    const path = join(dir, `fear-${images}.png`);
    writeFileSync(path, Buffer.concat([readFileSync(join(AVATARS_DIR, 'fear.png')), Buffer.alloc(extraKiB * 1_024, images)]));
    return { ...personas.fear, avatar: path };
  }

  function place(name: string) {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `${name}-${randomUUID().slice(0, 4)}` });
    return { channel, target: { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id } };
  }

  const prefix = () => `{own-${randomUUID().slice(0, 8)}}`;
  const names = (channelId: string) => discord.store.channelWebhooks(channelId).map((hook) => hook.name).sort();
  const requestsSince = (count: number) => discord.recorder.requests.slice(count).map((request) => `${request.method} ${request.path.replace(/\/webhooks\/(\d+)\/\S+$/, '/webhooks/$1/:token')}`);
  const avatarEdits = (webhookId: string) => discord.recorder.requests.filter((request) => request.method === 'PATCH' && request.path.startsWith(`/webhooks/${webhookId}`)).length;

  it("shows the operator's new avatar once it is changed, and each image is set on the webhook once for every worker", async () => {
    const deployment = prefix();
    const { target } = place('big');
    const before = fearWithAvatar(300);
    await worker(deployment).post({ target, persona: before, content: 'eek' });
    const first = discord.webhookExecutions().at(-1)!;
    expect(first.webhookAvatarBytes!.equals(readFileSync(before.avatar))).toBe(true);
    expect(avatarEdits(first.webhookId)).toBe(0);

    // The operator replaces the avatar in PERSONAS_FILE and restarts the workers.
    const after = fearWithAvatar(300);
    await worker(deployment).post({ target, persona: after, content: 'eek again' });
    await worker(deployment).post({ target, persona: after, content: 'and again, from another worker' });
    const shown = discord.webhookExecutions().slice(-2);
    expect(shown.map((post) => post.webhookId)).toEqual([first.webhookId, first.webhookId]);
    expect(shown.map((post) => post.avatarUrl)).toEqual([null, null]);
    for (const post of shown) expect(post.webhookAvatarBytes!.equals(readFileSync(after.avatar))).toBe(true);
    expect(avatarEdits(first.webhookId)).toBe(1);
  });

  it("a `feelbot fear` webhook an earlier feelbot left in the channel is adopted with the persona's avatar of now", async () => {
    const { channel, target } = place('leftover');
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const joyImage = readFileSync(join(AVATARS_DIR, 'joy.png'));
    const leftover = (await rest.post(`/channels/${channel.id}/webhooks`, { body: { name: 'feelbot fear', avatar: `data:image/png;base64,${joyImage.toString('base64')}` } })) as { id: string };
    const fear = fearWithAvatar(300);
    await worker(prefix()).post({ target, persona: fear, content: 'eek' });
    const post = discord.webhookExecutions().at(-1)!;
    expect(post.webhookId).toBe(leftover.id);
    expect(post.webhookAvatarBytes!.equals(readFileSync(fear.avatar))).toBe(true);
    expect(names(channel.id)).toEqual(['feelbot fear']);
  });

  it('a webhook whose avatar Discord would not change is not asked again for the same image, and the persona still posts', async () => {
    const deployment = prefix();
    const { target } = place('refused-edit');
    await worker(deployment).post({ target, persona: fearWithAvatar(300), content: 'eek' });
    const { webhookId } = discord.webhookExecutions().at(-1)!;
    const changed = fearWithAvatar(300);
    discord.failNext(`PATCH /webhooks/${webhookId}/:token`, [{ status: 400, code: 50_035, message: 'Invalid Form Body' }]);
    const { logger, lines } = capturedLogger('warn');
    await worker(deployment).post({ target, persona: changed, content: 'eek again' }, { log: logger });
    await worker(deployment).post({ target, persona: changed, content: 'and again' });
    expect(discord.webhookExecutions().slice(-2).map((post) => post.content)).toEqual(['eek again', 'and again']);
    expect(avatarEdits(webhookId)).toBe(1);
    expect(lines).toMatchObject([{ level: 'warn', code: 'DISCORD_REQUEST_FAILED', persona: 'fear', webhookId }]);
  });

  it('is deleted with its cache slot after the persona posted through the shared webhook with its emoji, once no worker can still be using it', async () => {
    const deployment = prefix();
    const clock = { now: 1_000_000 };
    const refused = worker(deployment, clock);
    const served = worker(deployment, clock);
    const { channel, target } = place('fallback');
    const fear = fearWithAvatar();
    await served.post({ target, persona: personas.joy, content: 'shared webhook made' });
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    await refused.post({ target, persona: fear, content: 'eek' });
    const own = discord.webhookExecutions().at(-1)!;
    expect(names(channel.id)).toEqual(['feelbot', 'feelbot fear']);

    // The refusal is the deployment's: every worker posts through the persona's own webhook for its 10 minutes.
    clock.now += 60_000;
    await served.post({ target, persona: fear, content: 'eek still' });
    expect(discord.webhookExecutions().at(-1)!.webhookId).toBe(own.webhookId);
    // Then a worker uploads the emoji; the own webhook, confirmed lately, stays for a worker that may still be using it.
    clock.now += 10 * 60_000;
    await served.post({ target, persona: fear, content: 'better' });
    expect(discord.webhookExecutions().at(-1)!.avatarUrl).toMatch(/\/emojis\//);
    expect(names(channel.id)).toEqual(['feelbot', 'feelbot fear']);

    // Over 15 minutes (10 of a refusal, 5 between confirmations) after it was last confirmed, no worker posts through it any more.
    clock.now += 16 * 60_000;
    await served.post({ target, persona: fear, content: 'all better' });
    expect(names(channel.id)).toEqual(['feelbot']);
    expect(await redis.connection.hkeys(webhookCacheKey(deployment, channel.id))).toEqual(['shared']);
    // Replies to what it posted still talk to the bot.
    expect(await personaWebhookIds(redis.connection, deployment, channel.id)).toContain(own.webhookId);

    // With no webhook of the persona's own cached, a post costs Discord nothing more than itself.
    const before = discord.recorder.requests.length;
    await served.post({ target, persona: fear, content: 'fine' });
    await refused.post({ target, persona: fear, content: 'fine too' });
    expect(requestsSince(before).filter((request) => !request.includes('/emojis'))).toEqual([
      `POST /webhooks/${discord.webhookExecutions().at(-1)!.webhookId}/:token`,
      `POST /webhooks/${discord.webhookExecutions().at(-1)!.webhookId}/:token`,
    ]);
    expect(names(channel.id)).toEqual(['feelbot']);
  });

  it('a busy channel lock or a failed delete leaves it for a later post, which deletes it; the posts themselves go through', async () => {
    const deployment = prefix();
    const clock = { now: 1_000_000 };
    const replier = worker(deployment, clock);
    const { channel, target } = place('later');
    const fear = fearWithAvatar();
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    await replier.post({ target, persona: fear, content: 'eek' });
    clock.now += 30 * 60_000;

    const lock = feelbotKey(deployment, 'webhook-lock', channel.id);
    const { logger, lines } = capturedLogger('debug');
    await replier.post({ target, persona: personas.joy, content: 'shared webhook made' });
    await redis.connection.set(lock, 'another worker', 'PX', 60_000);
    await replier.post({ target, persona: fear, content: 'lock busy' }, { log: logger });
    await redis.connection.del(lock);
    expect(names(channel.id)).toEqual(['feelbot', 'feelbot fear']);

    discord.failNext('DELETE /webhooks/:id/:token', [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
    await replier.post({ target, persona: fear, content: 'delete failed' }, { log: logger });
    expect(names(channel.id)).toEqual(['feelbot', 'feelbot fear']);
    expect(lines.filter((line) => line.level !== 'debug')).toEqual([]);
    expect(lines.length).toBeGreaterThanOrEqual(2);

    await replier.post({ target, persona: fear, content: 'deleted' }, { log: logger });
    expect(discord.webhookExecutions().slice(-3).map((post) => post.content)).toEqual(['lock busy', 'delete failed', 'deleted']);
    expect(names(channel.id)).toEqual(['feelbot']);
  });

  /** A webhook in the channel that feelbot did not make: another application's, or one a user made (no application). */
  function seedForeignWebhook(channelId: string, name: string, applicationId: string | null): string {
    const id = snowflake();
    discord.store.webhooks.set(id, { id, token: `foreign-${id}`, channelId, guildId: discord.world.guild.id, name, avatarHash: null, avatarBytes: null, creatorId: discord.world.users.admin.id, applicationId });
    return id;
  }

  /** A `feelbot fear` webhook feelbot made that the cache does not hold: a Redis flush, its 90 days run out, or an older feelbot's. */
  async function uncachedOwnWebhook(channelId: string): Promise<string> {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    return ((await rest.post(`/channels/${channelId}/webhooks`, { body: { name: 'feelbot fear' } })) as { id: string }).id;
  }

  const ids = (channelId: string) => discord.store.channelWebhooks(channelId).map((hook) => hook.id).sort();
  const listings = (channelId: string) => discord.recorder.requests.filter((request) => request.method === 'GET' && request.path === `/channels/${channelId}/webhooks`).length;

  it("one of feelbot's own-persona webhooks the cache does not know is adopted when a post lists the channel, and deleted once unused for 15 minutes; another application's and a user's of the same name stay", async () => {
    const deployment = prefix();
    const clock = { now: 1_000_000 };
    const replier = worker(deployment, clock);
    const { channel, target } = place('uncached');
    const ours = await uncachedOwnWebhook(channel.id);
    const anotherApps = seedForeignWebhook(channel.id, 'feelbot fear', snowflake());
    const usersOwn = seedForeignWebhook(channel.id, 'feelbot fear', null);
    const fear = fearWithAvatar();

    // Its emoji serves, so the persona posts through the shared webhook, which is made after listing the channel.
    await replier.post({ target, persona: fear, content: 'eek' });
    const shared = discord.webhookExecutions().at(-1)!.webhookId;
    expect(discord.webhookExecutions().at(-1)!.avatarUrl).toMatch(/\/emojis\//);
    expect(listings(channel.id)).toBe(1);
    // A worker may still be posting through it: not deleted yet.
    expect(ids(channel.id)).toEqual([ours, anotherApps, usersOwn, shared].sort());

    clock.now += 16 * 60_000;
    await replier.post({ target, persona: fear, content: 'all better' });
    expect(ids(channel.id)).toEqual([anotherApps, usersOwn, shared].sort());
    expect(await redis.connection.hkeys(webhookCacheKey(deployment, channel.id))).toEqual(['shared']);
    // Replies to what it posted before still talk to the bot.
    expect(await personaWebhookIds(redis.connection, deployment, channel.id)).toContain(ours);
  });

  it('an own-persona webhook adopted when another post listed the channel serves its persona without listing the channel again', async () => {
    const deployment = prefix();
    const replier = worker(deployment);
    const { channel, target } = place('adopted');
    const ours = await uncachedOwnWebhook(channel.id);
    await replier.post({ target, persona: personas.joy, content: 'shared webhook made' });
    expect(listings(channel.id)).toBe(1);

    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    const fear = fearWithAvatar();
    await replier.post({ target, persona: fear, content: 'eek' });
    const post = discord.webhookExecutions().at(-1)!;
    expect(post.webhookId).toBe(ours);
    expect(post.webhookAvatarBytes!.equals(readFileSync(fear.avatar))).toBe(true);
    expect(listings(channel.id)).toBe(1);
    expect(names(channel.id)).toEqual(['feelbot', 'feelbot fear']);
  });

  it("an own-persona webhook another worker has cached keeps its entry when a listing finds a second of feelbot's by the same name", async () => {
    const deployment = prefix();
    const replier = worker(deployment);
    const { channel, target } = place('duplicate');
    const cached = await uncachedOwnWebhook(channel.id);
    const token = discord.store.webhook(cached).token;
    const entry = JSON.stringify({ id: cached, token, checkedAt: 1_000_000 });
    await redis.connection.hset(webhookCacheKey(deployment, channel.id), 'fear', entry);
    await uncachedOwnWebhook(channel.id);
    await replier.post({ target, persona: personas.joy, content: 'shared webhook made' });
    expect(listings(channel.id)).toBe(1);
    expect(await redis.connection.hget(webhookCacheKey(deployment, channel.id), 'fear')).toBe(entry);
  });

  it('a webhook another application made, cached under the persona, is never deleted: only its cache slot is dropped', async () => {
    const deployment = prefix();
    const { channel, target } = place('foreign');
    const replier = worker(deployment);
    await replier.post({ target, persona: personas.joy, content: 'shared webhook made' });
    const id = snowflake();
    discord.store.webhooks.set(id, { id, token: 'foreign-token', channelId: channel.id, guildId: discord.world.guild.id, name: 'feelbot fear', avatarHash: null, avatarBytes: null, creatorId: discord.world.users.admin.id, applicationId: snowflake() });
    await redis.connection.hset(webhookCacheKey(deployment, channel.id), 'fear', JSON.stringify({ id, token: 'foreign-token' }));
    await replier.post({ target, persona: fearWithAvatar(), content: 'eek' });
    expect(discord.webhookExecutions().at(-1)!.avatarUrl).toMatch(/\/emojis\//);
    expect(names(channel.id)).toEqual(['feelbot', 'feelbot fear']);
    expect(await redis.connection.hkeys(webhookCacheKey(deployment, channel.id))).toEqual(['shared']);
  });
});
