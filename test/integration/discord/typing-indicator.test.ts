import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { DiscordTypingIndicator } from '../../../src/adapters/discord/discord-typing-indicator.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';

/** Renewals this far apart give several in the test's wait. */
const RENEW_MS = 40;
const WAIT_MS = 400;

describe('the typing indicator against the fake Discord', () => {
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  const typingRequests = (channelId: string, since: number) =>
    discord.requests.slice(since).filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/typing`);

  it('renews "typing" until stopped', async () => {
    const { logger } = capturedLogger();
    const typing = new DiscordTypingIndicator(createDiscordRest(discord.apiUrl, discord.token), logger, { renewMs: RENEW_MS });
    const channelId = discord.world.channels.text.id;
    const since = discord.requests.length;
    const stop = typing.start(channelId);
    await sleep(WAIT_MS);
    stop();
    // A request sent just before the stop may still be on its way; none may be sent after it.
    await sleep(RENEW_MS);
    const sent = typingRequests(channelId, since).length;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(typingRequests(channelId, since).every((r) => r.status === 204 || r.status === 200)).toBe(true);
    await sleep(RENEW_MS * 3);
    expect(typingRequests(channelId, since).length).toBe(sent);
  });

  it('asks once where Discord refuses it (no Send Messages), instead of collecting a refusal at every renewal', async () => {
    const { logger, lines } = capturedLogger('debug');
    const typing = new DiscordTypingIndicator(createDiscordRest(discord.apiUrl, discord.token), logger, { renewMs: RENEW_MS });
    const channel = discord.addChannel({
      guildId: discord.world.guild.id,
      type: ChannelType.GuildText,
      name: 'webhooks-only',
      overwrites: [{ id: discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }],
    });
    const since = discord.requests.length;
    const stop = typing.start(channel.id);
    await sleep(WAIT_MS);
    stop();
    expect(typingRequests(channel.id, since).map((r) => r.status)).toEqual([403]);
    expect(lines.find((line) => line.msg === 'typing indicator failed')).toMatchObject({ channelId: channel.id, renewing: false });
  });

  it('asks once where Discord refuses it slowly: no renewal goes out while the refused request is unanswered', async () => {
    const { logger } = capturedLogger('debug');
    const typing = new DiscordTypingIndicator(createDiscordRest(discord.apiUrl, discord.token), logger, { renewMs: RENEW_MS });
    const channel = discord.addChannel({
      guildId: discord.world.guild.id,
      type: ChannelType.GuildText,
      name: 'slow-webhooks-only',
      overwrites: [{ id: discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }],
    });
    const release = discord.holdNext(`POST /channels/${channel.id}/typing`);
    const since = discord.requests.length;
    const stop = typing.start(channel.id);
    // Several renewals' worth of time with the first answer held back.
    await sleep(RENEW_MS * 5);
    release();
    await sleep(WAIT_MS);
    stop();
    expect(typingRequests(channel.id, since).map((r) => r.status)).toEqual([403]);
  });

  it('keeps renewing after a 5xx, which a later attempt can get past', async () => {
    const { logger } = capturedLogger();
    const typing = new DiscordTypingIndicator(createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false }), logger, { renewMs: RENEW_MS });
    const channelId = discord.world.channels.text.id;
    discord.failNext(`POST /channels/${channelId}/typing`, [{ status: 502 }]);
    const since = discord.requests.length;
    const stop = typing.start(channelId);
    await sleep(WAIT_MS);
    stop();
    const statuses = typingRequests(channelId, since).map((r) => r.status);
    expect(statuses[0]).toBe(502);
    expect(statuses.slice(1).length).toBeGreaterThanOrEqual(2);
  });
});
