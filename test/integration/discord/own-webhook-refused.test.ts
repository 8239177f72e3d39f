import { randomUUID } from 'node:crypto';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { EmojiAvatars } from '../../../src/adapters/discord/emoji-avatars.js';
import { RefusedOwnWebhooks } from '../../../src/adapters/discord/persona-webhook.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { RedisChannelBlocks } from '../../../src/adapters/redis/redis-channel-blocks.js';
import { handleMessageJob, type MessageJobDeps } from '../../../src/jobs/handle-message-job.js';
import type { EmotionAnalysis } from '../../../src/domain/emotion-analysis.js';
import { NO_DELETIONS } from '../../../src/ports/deleted-messages.js';
import { NO_EDITS } from '../../../src/ports/edited-messages.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { NO_REPLY_LIMITS } from '../../../src/ports/reply-limiter.js';
import { buildAnalysis, buildMessageJob, buildScores, buildSettings, personas, snowflake } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const CDN = 'https://cdn.example.test';
const MAXIMUM_EMOJIS = { status: 400, code: 30_008, message: 'Maximum number of emojis reached (2000)' };

/**
 * A persona whose avatar Discord refused as an emoji gets a webhook of its own, made with the image.
 * When Discord will not make that one (a channel's 15, a server's 1,000, no Manage Webhooks), the
 * persona posts through the channel's shared webhook under its name, without its avatar: no place
 * is blocked for a webhook feelbot needed only to show a face.
 */
describe("a persona's own webhook that Discord will not make", () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  /** One worker as start-worker wires it, with its own caches, a clock and a log a test can read. */
  function worker() {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const applicationId = async () => discord.applicationId;
    const avatars = new AvatarStore();
    const clock = { now: 1_000_000 };
    const now = () => clock.now;
    const { logger, lines } = capturedLogger('warn');
    const emojiAvatars = new EmojiAvatars(rest, redis.connection, prefix, avatars, applicationId, { cdnUrl: CDN, now });
    const replier = new WebhookReplier(rest, new WebhookDirectory(rest, redis.connection, prefix, applicationId), avatars, { emojiAvatars, refusedOwnWebhooks: new RefusedOwnWebhooks(redis.connection, prefix, now) });
    return { replier, prefix, clock, logger, lines };
  }

  const warnings = (lines: Array<Record<string, unknown>>) => lines.filter((line) => String(line.msg).includes("channel's shared webhook"));
  const creates = (channelId: string) => discord.recorder.requests.filter((request) => request.method === 'POST' && request.path === `/channels/${channelId}/webhooks`).length;

  /** The use case as a worker runs it, with Redis-backed blocks, answering with `analysis()`. */
  function jobDeps(replier: WebhookReplier, prefix: string, analysis: () => EmotionAnalysis, logger: MessageJobDeps['logger']): MessageJobDeps {
    return {
      classifier: { classify: async (texts) => texts.map(() => analysis()), dispose: async () => undefined },
      generator: { parallelism: 1, generate: async () => ({ text: 'Hang in there.', tokens: 4, truncated: false, firstTokenMs: 1, totalMs: 2 }), dispose: async () => undefined },
      personas,
      settings: { get: async () => buildSettings({ defaultMode: 'always' }), update: async () => buildSettings() },
      replier,
      ledger: { find: async () => undefined, record: async () => undefined, recordAttempt: async () => undefined, findAttempt: async () => undefined, findBegun: async () => undefined, forgetOwnAttempt: async () => undefined },
      typing: { start: () => () => undefined },
      logger,
      metrics: NO_METRICS,
      notifier: { notify: async () => undefined },
      limiter: NO_REPLY_LIMITS,
      deleted: NO_DELETIONS,
      edited: NO_EDITS,
      blocks: new RedisChannelBlocks(redis.connection, prefix),
    };
  }

  it("in a server at Discord's 1,000 webhooks, a persona refused as an emoji posts through the shared webhook under its name, and no channel or the server is blocked", async () => {
    const guildId = discord.world.guild.id;
    const { replier, prefix, logger, lines } = worker();
    const general = discord.addChannel({ guildId, type: 0, name: 'general' });
    const memes = discord.addChannel({ guildId, type: 0, name: 'memes' });
    // feelbot already serves both channels through their shared webhook.
    for (const channel of [general, memes]) await replier.post({ target: { origin: 'discord', guildId, channelId: channel.id }, persona: personas.joy, content: 'hi' });
    // Then other integrations fill the server up to Discord's limit.
    const bridges = discord.addChannel({ guildId, type: 0, name: 'bridges' });
    const used = [...discord.store.webhooks.values()].filter((hook) => hook.guildId === guildId).length;
    const seeded = Array.from({ length: 1_000 - used }, () => snowflake());
    seeded.forEach((id, i) =>
      discord.store.webhooks.set(id, { id, token: `t${i}`, channelId: bridges.id, guildId, name: `bridge ${i}`, avatarHash: null, avatarBytes: null, creatorId: discord.world.users.admin.id, applicationId: snowflake() }),
    );
    try {
      let analysis = buildAnalysis({ emotion: 'fear', scores: buildScores({ joy: 0.01, fear: 0.9 }) });
      const deps = jobDeps(replier, prefix, () => analysis, logger);
      discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
      const before = discord.webhookExecutions().length;
      const fearReply = await handleMessageJob(buildMessageJob({ guildId, channelId: general.id }), deps);
      expect(fearReply).toEqual({ status: 'posted', emotion: 'fear', persona: 'fear', replyId: expect.any(String) });
      const [fearPost] = discord.webhookExecutions().slice(before);
      expect(fearPost).toMatchObject({ channelId: general.id, username: 'Fear', avatarUrl: null, content: 'Hang in there.' });
      expect(discord.store.channelWebhooks(general.id)).toHaveLength(1);
      expect(warnings(lines)).toMatchObject([{ level: 'warn', code: 'WEBHOOK_LIMIT_REACHED', persona: 'fear', channelId: general.id }]);
      expect(await deps.blocks.blockedBy([general.id, memes.id, `server:${guildId}`])).toBeUndefined();
      analysis = buildAnalysis();
      const joyReply = await handleMessageJob(buildMessageJob({ guildId, channelId: memes.id }), deps);
      expect(joyReply).toEqual({ status: 'posted', emotion: 'joy', persona: 'joy', replyId: expect.any(String) });
    } finally {
      for (const id of seeded) discord.store.webhooks.delete(id);
    }
  });

  it("a channel at its 15 webhooks, one of them feelbot's: the persona posts through that one, warns once, and asks Discord again for its own only after 10 minutes", async () => {
    const guildId = discord.world.guild.id;
    const { replier, clock, logger, lines } = worker();
    const channel = discord.addChannel({ guildId, type: 0, name: `crowded-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId, channelId: channel.id };
    await replier.post({ target, persona: personas.joy, content: 'hi' }, { log: logger });
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    for (let i = 0; i < 14; i++) await rest.post(`/channels/${channel.id}/webhooks`, { body: { name: `other ${i}` } });
    const createsBefore = creates(channel.id);
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    const before = discord.webhookExecutions().length;
    await replier.post({ target, persona: personas.fear, content: 'eek' }, { log: logger });
    clock.now += 9 * 60_000;
    await replier.post({ target, persona: personas.fear, content: 'eek again' }, { log: logger });
    const posts = discord.webhookExecutions().slice(before);
    expect(posts).toMatchObject([
      { username: 'Fear', avatarUrl: null, content: 'eek' },
      { username: 'Fear', avatarUrl: null, content: 'eek again' },
    ]);
    expect(new Set(posts.map((post) => post.webhookId)).size).toBe(1);
    expect(creates(channel.id)).toBe(createsBefore + 1);
    expect(warnings(lines)).toMatchObject([{ code: 'WEBHOOK_LIMIT_REACHED', persona: 'fear' }]);
    // After the 10 minutes, a place an admin may have tidied up is asked again.
    clock.now += 2 * 60_000;
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    await replier.post({ target, persona: personas.fear, content: 'still here' }, { log: logger });
    expect(creates(channel.id)).toBe(createsBefore + 2);
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ webhookId: posts[0]!.webhookId, username: 'Fear', content: 'still here' });
  });

  it('a channel where feelbot lost Manage Webhooks after making its shared webhook: the persona posts through that one, and the channel is not blocked', async () => {
    const guildId = discord.world.guild.id;
    const { replier, prefix, logger, lines } = worker();
    const channel = discord.addChannel({ guildId, type: 0, name: `locked-${randomUUID().slice(0, 4)}` });
    await replier.post({ target: { origin: 'discord', guildId, channelId: channel.id }, persona: personas.joy, content: 'hi' });
    discord.store.channel(channel.id).overwrites.push({ id: discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ManageWebhooks });
    const deps = jobDeps(replier, prefix, () => buildAnalysis({ emotion: 'fear', scores: buildScores({ joy: 0.01, fear: 0.9 }) }), logger);
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    const reply = await handleMessageJob(buildMessageJob({ guildId, channelId: channel.id }), deps);
    expect(reply).toMatchObject({ status: 'posted', persona: 'fear' });
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, username: 'Fear', avatarUrl: null });
    expect(warnings(lines)).toMatchObject([{ code: 'DISCORD_PERMISSION_MISSING', persona: 'fear' }]);
    expect(await deps.blocks.blockedBy([channel.id])).toBeUndefined();
  });

  it("Discord refusing the persona's own webhook for its image (400 Invalid Form Body): the persona posts through the shared webhook", async () => {
    const guildId = discord.world.guild.id;
    const { replier, logger, lines } = worker();
    const channel = discord.addChannel({ guildId, type: 0, name: `bad-image-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId, channelId: channel.id };
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    discord.failNext(`POST /channels/${channel.id}/webhooks`, [{ status: 400, code: 50_035, message: 'Invalid Form Body' }]);
    await replier.post({ target, persona: personas.fear, content: 'eek' }, { log: logger });
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, username: 'Fear', avatarUrl: null, content: 'eek' });
    expect(discord.store.channelWebhooks(channel.id).map((hook) => hook.name)).toEqual(['feelbot']);
    expect(warnings(lines)).toMatchObject([{ code: 'DISCORD_REQUEST_FAILED', persona: 'fear' }]);
  });

  it("a channel whose 15 webhooks are none of feelbot's: its shared webhook cannot be made either, and the channel is blocked as before", async () => {
    const guildId = discord.world.guild.id;
    const { replier, prefix, logger } = worker();
    const channel = discord.addChannel({ guildId, type: 0, name: `full-${randomUUID().slice(0, 4)}` });
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    for (let i = 0; i < 15; i++) await rest.post(`/channels/${channel.id}/webhooks`, { body: { name: `other ${i}` } });
    const deps = jobDeps(replier, prefix, () => buildAnalysis({ emotion: 'fear', scores: buildScores({ joy: 0.01, fear: 0.9 }) }), logger);
    discord.failNext('POST /applications/:id/emojis', [MAXIMUM_EMOJIS]);
    const reply = await handleMessageJob(buildMessageJob({ guildId, channelId: channel.id }), deps);
    expect(reply).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
    expect(await deps.blocks.blockedBy([channel.id])).toBe('WEBHOOK_LIMIT_REACHED');
  });

  it('a shared webhook Discord will not make where the emoji works is an admin problem as before: the channel is blocked', async () => {
    const guildId = discord.world.guild.id;
    const { replier, prefix, logger } = worker();
    const channel = discord.addChannel({
      guildId,
      type: 0,
      name: `no-hooks-${randomUUID().slice(0, 4)}`,
      overwrites: [{ id: discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ManageWebhooks }],
    });
    const deps = jobDeps(replier, prefix, () => buildAnalysis(), logger);
    const reply = await handleMessageJob(buildMessageJob({ guildId, channelId: channel.id }), deps);
    expect(reply).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
    expect(await deps.blocks.blockedBy([channel.id])).toBe('DISCORD_PERMISSION_MISSING');
  });
});
