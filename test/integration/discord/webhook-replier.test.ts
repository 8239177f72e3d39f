import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { REST } from 'discord.js';
import { MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { replyDigest } from '../../../src/domain/reply-digest.js';
import { ErrorCodes, isFeelbotError, type FeelbotError } from '../../../src/errors.js';
import { personas, snowflake } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('posting as a persona through webhooks', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  function replier(options: { avatarBaseUrl?: string; revalidateAfterMs?: number; postRest?: REST } = {}) {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const { revalidateAfterMs, ...replierOptions } = options;
    const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId, revalidateAfterMs === undefined ? {} : { revalidateAfterMs });
    return new WebhookReplier(rest, directory, new AvatarStore(), replierOptions);
  }

  /** What an admin does in Channel settings > Integrations: move a webhook to another channel. */
  async function moveWebhook(webhookId: string, channelId: string) {
    const moved = await fetch(`${discord.apiUrl}/v10/webhooks/${webhookId}`, {
      method: 'PATCH',
      headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel_id: channelId }),
    });
    expect(moved.status).toBe(200);
  }

  const guildTarget = () => ({ origin: 'discord' as const, guildId: discord.world.guild.id, channelId: discord.world.channels.text.id });

  it('each persona posts under its own name with its avatar, and its webhook is reused', async () => {
    const post = replier();
    const before = discord.webhookExecutions().length;
    await post.post({ target: guildTarget(), persona: personas.joy, content: 'Yay!' });
    await post.post({ target: guildTarget(), persona: personas.joy, content: 'Again!' });
    await post.post({ target: guildTarget(), persona: personas.fear, content: 'Careful...' });
    const executions = discord.webhookExecutions().slice(before);
    expect(executions.map((e) => e.username)).toEqual(['Joy', 'Joy', 'Fear']);
    expect(executions[0]!.webhookId).toBe(executions[1]!.webhookId);
    expect(executions[2]!.webhookId).not.toBe(executions[0]!.webhookId);
    expect(executions[0]!.webhookAvatarBytes?.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(executions.every((e) => e.allowedMentions?.parse?.length === 0)).toBe(true);
  });

  it('Discord failing to list a channel\'s webhooks fails the post as retryable, without creating a second webhook', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `list-fails-${randomUUID().slice(0, 4)}` });
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
    const post = replier();
    await post.post({ target, persona: personas.joy, content: 'first' });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    // A fresh cache (another worker's Redis prefix), and Discord down while it looks for the webhook.
    const fresh = replier();
    discord.failNext('GET /channels/:id/webhooks', Array.from({ length: 4 }, () => ({ status: 503 })));
    const failure = await fresh.post({ target, persona: personas.joy, content: 'second' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    // Once Discord is back, the retry finds and reuses the webhook it already has.
    await fresh.post({ target, persona: personas.joy, content: 'second' });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ channelId: channel.id, content: 'second' });
  });

  it('with AVATAR_BASE_URL, one webhook per channel carries each persona avatar as a URL', async () => {
    const post = replier({ avatarBaseUrl: 'https://cdn.example.test/avatars' });
    const before = discord.webhookExecutions().length;
    await post.post({ target: guildTarget(), persona: personas.love, content: '<3' });
    await post.post({ target: guildTarget(), persona: personas.anger, content: 'Grr.' });
    const [love, anger] = discord.webhookExecutions().slice(before);
    expect(love!.avatarUrl).toBe('https://cdn.example.test/avatars/love.png');
    expect(anger!.avatarUrl).toBe('https://cdn.example.test/avatars/anger.png');
    expect(love!.webhookId).toBe(anger!.webhookId);
  });

  it('an avatar URL Discord refuses as "Not a well formed URL" (50035 under avatar_url) is left off: the reply posts once under the persona\'s name, and the worker warns', async () => {
    const post = replier({ avatarBaseUrl: 'https://avatars/base' });
    const { logger, lines } = capturedLogger('warn');
    const before = discord.webhookExecutions().length;
    await post.post({ target: guildTarget(), persona: personas.love, content: 'Still here <3' }, { log: logger });
    const executions = discord.webhookExecutions().slice(before);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ username: 'Love', content: 'Still here <3', avatarUrl: null });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', persona: 'love', avatarUrl: 'https://avatars/base/love.png' }));
  });

  it('in a thread, the parent channel webhook posts with thread_id', async () => {
    const { thread, text } = discord.world.channels;
    const before = discord.webhookExecutions().length;
    await replier().post({
      target: { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: thread.id, threadParentId: text.id },
      persona: personas.surprise,
      content: 'Whoa!',
    });
    const [execution] = discord.webhookExecutions().slice(before);
    expect(execution!.threadId).toBe(thread.id);
    expect(execution!.channelId).toBe(text.id);
  });

  it('a thread a moderator archived or locked before the post gets no reply (THREAD_CLOSED), and stays closed', async () => {
    const { text } = discord.world.channels;
    const post = replier();
    for (const state of [{ archived: true, locked: false }, { archived: true, locked: true }, { archived: false, locked: true }]) {
      const thread = discord.addChannel({ guildId: discord.world.guild.id, type: 11, name: `closed-${randomUUID().slice(0, 4)}`, parentId: text.id });
      const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: thread.id, threadParentId: text.id };
      if (state.archived) discord.closeThread(thread.id, { locked: state.locked });
      else discord.store.channel(thread.id).locked = true;
      const before = discord.webhookExecutions().length;
      const failure = await post.post({ target, persona: personas.joy, content: 'Yay!' }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: ErrorCodes.ThreadClosed, permanent: true, details: { channelId: thread.id } });
      expect(discord.webhookExecutions().slice(before)).toEqual([]);
      expect(discord.store.channel(thread.id)).toMatchObject(state);
    }
  });

  it('a thread that could not be read before the post is posted in all the same', async () => {
    const { thread, text } = discord.world.channels;
    discord.failNext(`GET /channels/${thread.id}`, [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
    const before = discord.webhookExecutions().length;
    await replier().post({ target: { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: thread.id, threadParentId: text.id }, persona: personas.joy, content: 'Still here' });
    expect(discord.webhookExecutions().slice(before)).toMatchObject([{ threadId: thread.id, content: 'Still here' }]);
  });

  describe('a place deleted while its reply was written', () => {
    const newThread = () => discord.addChannel({ guildId: discord.world.guild.id, type: 11, name: `doomed-${randomUUID().slice(0, 4)}`, parentId: discord.world.channels.text.id });
    const threadTarget = (threadId: string) => ({ origin: 'discord' as const, guildId: discord.world.guild.id, channelId: threadId, threadParentId: discord.world.channels.text.id });
    const webhookRequests = (since: number) => discord.requests.slice(since).filter((request) => request.path.startsWith('/webhooks/') || request.path.endsWith('/webhooks'));
    const executions = (since: number) => discord.requests.slice(since).filter((request) => request.method === 'POST' && request.path.startsWith('/webhooks/'));

    it('a thread deleted before the post gets none (CHANNEL_DELETED, permanent), without a webhook request', async () => {
      const post = replier();
      const thread = newThread();
      await post.post({ target: threadTarget(thread.id), persona: personas.joy, content: 'first' });
      discord.deleteChannel(thread.id);
      const before = discord.requests.length;
      const failure = await post.post({ target: threadTarget(thread.id), persona: personas.joy, content: 'second' }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: ErrorCodes.ChannelDeleted, permanent: true, details: { channelId: thread.id } });
      expect(webhookRequests(before)).toEqual([]);
    });

    it('a thread deleted between the check and the post: one fresh look at the parent\'s webhooks, then CHANNEL_DELETED, and nothing posted', async () => {
      const post = replier();
      const thread = newThread();
      await post.post({ target: threadTarget(thread.id), persona: personas.joy, content: 'first' });
      const before = discord.requests.length;
      const release = discord.holdNext('POST /webhooks/:id/:token');
      const failure = post.post({ target: threadTarget(thread.id), persona: personas.joy, content: 'second' }).catch((error: unknown) => error);
      await discord.waitFor(() => executions(before).length === 1);
      discord.deleteChannel(thread.id);
      release();
      expect(await failure).toMatchObject({ code: ErrorCodes.ChannelDeleted, permanent: true, details: { channelId: thread.id } });
      expect(executions(before)).toHaveLength(2);
      expect(discord.store.channelWebhooks(discord.world.channels.text.id).length).toBeGreaterThan(0);
    });

    it('a channel deleted with its webhooks: the post meets Unknown Webhook, the look for a fresh one Unknown Channel, and it ends CHANNEL_DELETED', async () => {
      const post = replier();
      const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `doomed-${randomUUID().slice(0, 4)}` });
      const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
      await post.post({ target, persona: personas.joy, content: 'first' });
      discord.deleteChannel(channel.id);
      const before = discord.requests.length;
      const failure = await post.post({ target, persona: personas.joy, content: 'second' }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: ErrorCodes.ChannelDeleted, permanent: true, details: { channelId: channel.id } });
      expect(executions(before)).toHaveLength(1);
    });
  });

  it('a webhook an admin moved into a forum channel (which refuses a post without a thread, 220001) is replaced, and the reply lands here', async () => {
    const post = replier();
    const target = guildTarget();
    await post.post({ target, persona: personas.anger, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    const forum = discord.addChannel({ guildId: discord.world.guild.id, type: 15, name: `forum-${randomUUID().slice(0, 4)}` });
    await moveWebhook(first.webhookId, forum.id);
    await post.post({ target, persona: personas.anger, content: 'second' });
    const last = discord.webhookExecutions().at(-1)!;
    expect(last).toMatchObject({ channelId: target.channelId, content: 'second' });
    expect(last.webhookId).not.toBe(first.webhookId);
    expect(discord.channelMessages(forum.id)).toHaveLength(0);
  });

  it("a webhook whose token was reset (401, 50027 Invalid Webhook Token) is looked up again, and the reply posted once", async () => {
    const post = replier();
    const target = guildTarget();
    await post.post({ target, persona: personas.love, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    discord.store.webhook(first.webhookId).token = 'reset-by-an-admin';
    const before = discord.webhookExecutions().length;
    await post.post({ target, persona: personas.love, content: 'second' });
    const after = discord.webhookExecutions().slice(before);
    expect(after).toHaveLength(1);
    // Found again in the channel's list, with its new token: no second webhook.
    expect(after[0]).toMatchObject({ content: 'second', channelId: target.channelId, webhookId: first.webhookId });
    expect(discord.store.channelWebhooks(target.channelId).filter((hook) => hook.id === first.webhookId)).toHaveLength(1);
  });

  it('a webhook deleted under the bot is recreated and the reply posted once', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.sadness, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    discord.deleteWebhook(first.webhookId);
    const before = discord.webhookExecutions().length;
    await post.post({ target: guildTarget(), persona: personas.sadness, content: 'second' });
    const after = discord.webhookExecutions().slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]!.content).toBe('second');
    expect(after[0]!.webhookId).not.toBe(first.webhookId);
  });

  it('a webhook an admin moved to another channel: the reply is taken back from there and posted here through a fresh one', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.anger, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    const elsewhere = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `private-${randomUUID().slice(0, 4)}` });
    const moved = await fetch(`${discord.apiUrl}/v10/webhooks/${first.webhookId}`, {
      method: 'PATCH',
      headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel_id: elsewhere.id }),
    });
    expect(moved.status).toBe(200);
    await post.post({ target: guildTarget(), persona: personas.anger, content: 'second' });
    expect(discord.channelMessages(elsewhere.id)).toHaveLength(0);
    const here = discord.channelMessages(discord.world.channels.text.id).at(-1)!;
    expect(here.content).toBe('second');
    expect(here.webhook_id).not.toBe(first.webhookId);
  });

  it('in a thread, a webhook moved away from its parent channel is replaced, and the reply lands in the thread', async () => {
    const { thread, text } = discord.world.channels;
    const post = replier();
    const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: thread.id, threadParentId: text.id };
    await post.post({ target, persona: personas.love, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    const elsewhere = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `elsewhere-${randomUUID().slice(0, 4)}` });
    await fetch(`${discord.apiUrl}/v10/webhooks/${first.webhookId}`, {
      method: 'PATCH',
      headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel_id: elsewhere.id }),
    });
    await post.post({ target, persona: personas.love, content: 'second' });
    const last = discord.webhookExecutions().at(-1)!;
    expect(last.content).toBe('second');
    expect(last.threadId).toBe(thread.id);
    expect(last.webhookId).not.toBe(first.webhookId);
  });

  it('Discord answering 500 and then 429 delays the post, which still lands once', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.joy, content: 'warm up' });
    const before = discord.webhookExecutions().length;
    discord.failNext('POST /webhooks/:id/:token', [{ status: 500 }, { status: 429, retryAfter: 0.5 }]);
    const started = Date.now();
    await post.post({ target: guildTarget(), persona: personas.joy, content: 'after the storm' });
    const after = discord.webhookExecutions().slice(before);
    expect(after.map((e) => e.content)).toEqual(['after the storm']);
    expect(after[0]!.at - started).toBeGreaterThanOrEqual(500);
  });

  it('a 429 asking for 120 s fails the post at once with DISCORD_RATE_LIMITED and the wait, without retrying it or naming the token', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.joy, content: 'warm up' });
    const hook = discord.webhookExecutions().at(-1)!.webhookId;
    const since = discord.requests.length;
    discord.failNext('POST /webhooks/:id/:token', [{ status: 429, retryAfter: 120 }]);
    const limited = await post.post({ target: guildTarget(), persona: personas.joy, content: 'later' }).catch((e: unknown) => e);
    expect(isFeelbotError(limited, ErrorCodes.DiscordRateLimited)).toBe(true);
    const { permanent, details, message } = limited as FeelbotError;
    expect(permanent).toBe(false);
    expect(details.retryAfterMs).toBeGreaterThanOrEqual(120_000);
    expect(details.retryAfterMs).toBeLessThanOrEqual(121_000);
    expect(message).toContain('POST /webhooks/:id/:token');
    expect(message).toContain('120.');
    const token = discord.store.webhooks.get(hook)!.token;
    expect(message).not.toContain(token);
    const logLines: string[] = [];
    createLogger('debug', 'test', { write: (line: string) => void logLines.push(line) }).error({ err: limited }, 'job failed');
    expect(logLines.join('\n')).not.toContain(token);
    const executes = discord.requests.slice(since).filter((r) => r.method === 'POST' && r.path.startsWith(`/webhooks/${hook}/`));
    expect(executes.map((r) => r.status)).toEqual([429]);
    expect(discord.webhookExecutions().filter((e) => e.content === 'later')).toHaveLength(0);
  });

  it('a 429 asking for 0.3 s is waited out by the REST client, and the post lands once', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.fear, content: 'warm up' });
    const before = discord.webhookExecutions().length;
    const since = discord.requests.length;
    discord.failNext('POST /webhooks/:id/:token', [{ status: 429, retryAfter: 0.3 }]);
    await post.post({ target: guildTarget(), persona: personas.fear, content: 'after a short wait' });
    expect(discord.webhookExecutions().slice(before).map((e) => e.content)).toEqual(['after a short wait']);
    const [limited, posted] = discord.requests.slice(since).filter((r) => r.method === 'POST' && r.path.startsWith('/webhooks/'));
    expect(limited!.status).toBe(429);
    expect(posted!.at - limited!.at).toBeGreaterThanOrEqual(300);
  });

  it('Discord refusing the post (400) is a coded, permanent error; a 5xx that outlasts REST retries is coded and retryable', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.joy, content: 'warm up' });
    discord.failNext('POST /webhooks/:id/:token', [{ status: 400, code: 50_035, message: 'Invalid Form Body' }]);
    const refused = await post.post({ target: guildTarget(), persona: personas.joy, content: 'x' }).catch((e: unknown) => e);
    expect(isFeelbotError(refused, ErrorCodes.DiscordRequestFailed)).toBe(true);
    expect(refused).toMatchObject({ permanent: true, details: { status: 400, discordCode: 50_035 } });
    expect((refused as Error).message).toMatch(/HTTP 400, code 50035/);
    expect((refused as Error).message).not.toMatch(/webhooks\//);

    discord.failNext('POST /webhooks/:id/:token', Array.from({ length: 4 }, () => ({ status: 503 })));
    const down = await post.post({ target: guildTarget(), persona: personas.joy, content: 'y' }).catch((e: unknown) => e);
    expect(isFeelbotError(down, ErrorCodes.DiscordRequestFailed)).toBe(true);
    expect(down).toMatchObject({ permanent: false, details: { status: 503 } });
  });

  it('in a DM, the reply is an embed with the persona name and avatar, and no webhook', async () => {
    const { dm } = discord.world.channels;
    const hooksBefore = discord.webhookExecutions().length;
    await replier().post({ target: { origin: 'discord' as const, guildId: null, channelId: dm.id }, persona: personas.love, content: 'You matter.' });
    expect(discord.webhookExecutions()).toHaveLength(hooksBefore);
    const message = discord.channelMessages(dm.id).at(-1)!;
    expect(message.embeds[0]?.author?.name).toBe('Love');
    expect(message.embeds[0]?.description).toBe('You matter.');
    expect(message.embeds[0]?.author?.icon_url).toMatch(/love\.png/);
  });

  it('in a DM, an avatar that is a JPEG file is attached to the embed as image/jpeg, not as a PNG', async () => {
    const { dm } = discord.world.channels;
    const face = join(mkdtempSync(join(tmpdir(), 'feelbot-face-')), 'face.jpg');
    writeFileSync(face, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]));
    await replier().post({ target: { origin: 'discord' as const, guildId: null, channelId: dm.id }, persona: { ...personas.love, avatar: face }, content: 'You matter.' });
    const message = discord.channelMessages(dm.id).at(-1)!;
    // Attached under the persona's name with the JPEG's extension, which Discord resolves into the icon.
    expect(message.attachments[0]).toMatchObject({ filename: 'avatar-love.jpg', content_type: 'image/jpeg' });
    expect(message.embeds[0]?.author?.icon_url).toBe(message.attachments[0]!.url);
  });

  it('in a DM, a second attempt at a reply that landed although it failed returns the first post instead of posting again (enforce_nonce)', async () => {
    const { dm } = discord.world.channels;
    const target = { origin: 'discord' as const, guildId: null, channelId: dm.id };
    const reply = { target, persona: personas.fear, content: 'Breathe. You are safe.', nonce: snowflake() };
    const before = discord.channelMessages(dm.id).length;
    // As the worker posts: a failed create is not repeated by the client, the job retries it.
    const post = replier({ postRest: createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false }) });
    discord.failNext('POST /channels/:channelId/messages', [{ status: 502, afterHandling: true }]);
    const lost = await post.post(reply).catch((error: unknown) => error);
    expect(isFeelbotError(lost, ErrorCodes.DiscordRequestFailed)).toBe(true);
    expect(discord.channelMessages(dm.id).length - before).toBe(1);
    const retried = await post.post(reply);
    expect(retried.messageId).toBe(discord.channelMessages(dm.id).at(-1)!.id);
    expect(discord.channelMessages(dm.id).length - before).toBe(1);
  });

  describe('finding a post that landed although it failed', () => {
    it('in a guild: the persona\'s post of exactly that text since the attempt, not an older one or another persona\'s', async () => {
      const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `find-${randomUUID().slice(0, 4)}` });
      const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
      const post = replier();
      await post.post({ target, persona: personas.joy, content: 'So happy for you!' });
      const startedAt = Date.now();
      await post.post({ target, persona: personas.love, content: 'So happy for you!' });
      const landed = await post.post({ target, persona: personas.joy, content: 'What great news!' });
      expect(await post.findPosted(target, { persona: 'Joy', digest: replyDigest('What great news!'), startedAt })).toEqual(landed);
      expect(await post.findPosted(target, { persona: 'Joy', digest: replyDigest('Something else'), startedAt })).toBeUndefined();
      expect(await post.findPosted(target, { persona: 'Fear', digest: replyDigest('What great news!'), startedAt })).toBeUndefined();
      // A name or text that Discord shows trimmed, with runs of spaces collapsed, is still the same post.
      const spaced = await post.post({ target, persona: { ...personas.joy, name: 'Sunny Day' }, content: 'Look at you go!' });
      expect(await post.findPosted(target, { persona: ' Sunny  Day', digest: replyDigest('Look at you go!\n'), startedAt })).toEqual(spaced);
      // A post before the attempt (beyond the clock-skew margin) is not this attempt's.
      expect(await post.findPosted(target, { persona: 'Joy', digest: replyDigest('So happy for you!'), startedAt: Date.now() + 120_000 })).toBeUndefined();
    });

    it('in a busy channel, past the first page of history after the attempt', async () => {
      const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `busy-${randomUUID().slice(0, 4)}` });
      const target = { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id };
      const startedAt = Date.now();
      for (let i = 0; i < 150; i++) discord.sendMessage({ channelId: channel.id, authorId: discord.world.users.member.id, content: `chatter ${i}` });
      const landed = await replier().post({ target, persona: personas.fear, content: 'Be careful out there.' });
      expect(await replier().findPosted(target, { persona: 'Fear', digest: replyDigest('Be careful out there.'), startedAt })).toEqual(landed);
    });

    it('in a DM: the embed with the persona\'s name and that text', async () => {
      const { dm } = discord.world.channels;
      const target = { origin: 'discord' as const, guildId: null, channelId: dm.id };
      const startedAt = Date.now();
      const landed = await replier().post({ target, persona: personas.sadness, content: 'I am here with you.' });
      expect(await replier().findPosted(target, { persona: 'Sadness', digest: replyDigest('I am here with you.'), startedAt })).toEqual(landed);
      expect(await replier().findPosted(target, { persona: 'Joy', digest: replyDigest('I am here with you.'), startedAt })).toBeUndefined();
    });

    it('a history Discord refuses to show (403) finds nothing; one it fails to serve (5xx) is a retryable error', async () => {
      const target = guildTarget();
      const attempt = { persona: 'Joy', digest: replyDigest('anything'), startedAt: Date.now() };
      discord.failNext('GET /channels/:id/messages', [{ status: 403, code: 50_001, message: 'Missing Access' }]);
      expect(await replier().findPosted(target, attempt)).toBeUndefined();
      discord.failNext('GET /channels/:id/messages', Array.from({ length: 4 }, () => ({ status: 502 })));
      await expect(replier().findPosted(target, attempt)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false });
    });
  });

  it('a channel with 15 webhooks fails with WEBHOOK_LIMIT_REACHED, a clear permanent error', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: 'crowded' });
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    for (let i = 0; i < 15; i++) await rest.post(`/channels/${channel.id}/webhooks`, { body: { name: `other ${i}` } });
    const error = await replier()
      .post({ target: { origin: 'discord' as const, guildId: discord.world.guild.id, channelId: channel.id }, persona: personas.joy, content: 'hi' })
      .catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.WebhookLimitReached)).toBe(true);
    expect((error as { permanent: boolean }).permanent).toBe(true);
  });

  it("a server with Discord's 1,000 webhooks fails with WEBHOOK_LIMIT_REACHED naming the server's limit, a clear permanent error", async () => {
    const { guild } = discord.world;
    const channel = discord.addChannel({ guildId: guild.id, type: 0, name: 'busy-server' });
    const elsewhere = discord.addChannel({ guildId: guild.id, type: 0, name: 'bridges' });
    // Another integration's webhooks, spread over the server (a channel holds at most 15).
    const seeded = Array.from({ length: 1_000 }, (_, i) => ({
      id: snowflake(),
      token: `t${i}`,
      channelId: elsewhere.id,
      guildId: guild.id,
      name: `bridge ${i}`,
      avatarHash: null,
      avatarBytes: null,
      creatorId: discord.world.users.admin.id,
      applicationId: snowflake(),
    }));
    for (const webhook of seeded) discord.store.webhooks.set(webhook.id, webhook);
    try {
      const error = await replier()
        .post({ target: { origin: 'discord' as const, guildId: guild.id, channelId: channel.id }, persona: personas.joy, content: 'hi' })
        .catch((e: unknown) => e);
      expect(isFeelbotError(error, ErrorCodes.WebhookLimitReached)).toBe(true);
      expect((error as FeelbotError).permanent).toBe(true);
      expect((error as FeelbotError).message).toMatch(/server already has 1,000 webhooks/);
    } finally {
      for (const webhook of seeded) discord.store.webhooks.delete(webhook.id);
    }
  });

  it('a persona post carries SUPPRESS_EMBEDS, so a link left in the reply shows no preview card', async () => {
    const before = discord.webhookExecutions().length;
    await replier().post({ target: guildTarget(), persona: personas.joy, content: 'Your art https://art.example/me is great!' });
    const [execution] = discord.webhookExecutions().slice(before);
    expect(execution!.flags & MessageFlags.SuppressEmbeds).toBe(MessageFlags.SuppressEmbeds);
  });

  it('a cached webhook an admin moved is caught before posting: nothing ever lands in the other channel', async () => {
    const post = replier({ revalidateAfterMs: 0 });
    await post.post({ target: guildTarget(), persona: personas.fear, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    const elsewhere = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `private-${randomUUID().slice(0, 4)}` });
    await moveWebhook(first.webhookId, elsewhere.id);
    const before = discord.webhookExecutions().length;
    await post.post({ target: guildTarget(), persona: personas.fear, content: 'second' });
    const after = discord.webhookExecutions().slice(before);
    expect(after.map((e) => [e.channelId, e.content])).toEqual([[discord.world.channels.text.id, 'second']]);
    expect(after[0]!.webhookId).not.toBe(first.webhookId);
    expect(discord.requests.some((r) => r.method === 'DELETE' && r.path.startsWith(`/webhooks/${first.webhookId}/`))).toBe(false);
  });

  it('a cached webhook deleted under the bot is found out before posting, and the reply posted once through a new one', async () => {
    const post = replier({ revalidateAfterMs: 0 });
    await post.post({ target: guildTarget(), persona: personas.love, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    discord.deleteWebhook(first.webhookId);
    const since = discord.requests.length;
    await post.post({ target: guildTarget(), persona: personas.love, content: 'second' });
    expect(discord.requests.slice(since).some((r) => r.method === 'POST' && r.path.startsWith(`/webhooks/${first.webhookId}/`))).toBe(false);
    expect(discord.webhookExecutions().at(-1)).toMatchObject({ content: 'second' });
  });

  it('a cached webhook confirmed recently is not asked again before each post', async () => {
    const post = replier();
    await post.post({ target: guildTarget(), persona: personas.surprise, content: 'one' });
    const hook = discord.webhookExecutions().at(-1)!.webhookId;
    const { token } = discord.store.webhooks.get(hook)!;
    const since = discord.requests.length;
    const executionsBefore = discord.webhookExecutions().length;
    await post.post({ target: guildTarget(), persona: personas.surprise, content: 'two' });
    // Neither asked where the webhook posts nor looked up among the channel's webhooks: only the post itself.
    expect(discord.requests.slice(since).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /webhooks/${hook}/${token}`]);
    expect(discord.webhookExecutions().slice(executionsBefore)).toMatchObject([{ webhookId: hook, content: 'two', channelId: discord.world.channels.text.id }]);
  });

  it("a misplaced post that cannot be taken back is logged for the admins with the job's ids, without the webhook token", async () => {
    const logLines: string[] = [];
    const post = replier();
    const jobLog = createLogger('debug', 'test', { write: (line: string) => void logLines.push(line) }).child({ jobId: 'reply-1234' });
    await post.post({ target: guildTarget(), persona: personas.sadness, content: 'first' });
    const first = discord.webhookExecutions().at(-1)!;
    const elsewhere = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `private-${randomUUID().slice(0, 4)}` });
    await moveWebhook(first.webhookId, elsewhere.id);
    discord.failNext('DELETE /webhooks/:id/:token/messages/:messageId', [{ status: 403, code: 50_013, message: 'Missing Permissions' }]);
    await post.post({ target: guildTarget(), persona: personas.sadness, content: 'second' }, { log: jobLog });
    const misplaced = discord.channelMessages(elsewhere.id);
    expect(misplaced).toHaveLength(1);
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'could not delete a reply posted in the wrong channel');
    expect(line).toMatchObject({ level: 'error', jobId: 'reply-1234', webhookId: first.webhookId, channelId: elsewhere.id, messageId: misplaced[0]!.id });
    const token = discord.store.webhooks.get(first.webhookId)!.token;
    expect(logLines.join('\n')).not.toContain(token);
  });
});
