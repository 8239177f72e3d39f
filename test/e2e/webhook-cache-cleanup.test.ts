import { ChannelType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../src/adapters/discord/webhook-directory.js';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { BOT_PERMISSIONS } from '../fakes/fake-discord/index.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

const OUTAGE = 'a guild is unavailable (a Discord outage); its settings stay';
const REMOVED = 'deleted the settings of a guild the bot left';
const spec = { slot: 'shared', name: 'feelbot' };

/** The first matching log line the process writes from now on; earlier lines do not count. */
function nextLog(process: FeelbotProcess, matches: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
  const earlier = new Set(process.logs);
  return process.waitForLog((line) => !earlier.has(line) && matches(line), timeoutMs);
}

/**
 * The workers' webhook cache (a webhook's id and token per channel) once its channel is deleted or
 * the bot leaves the guild: a real gateway process (the real discord.js client against the fake
 * Discord) clears it; the cache is filled as a worker fills it, through the real WebhookDirectory.
 */
describe("the workers' cached webhooks of a place the bot no longer posts in", () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let directory: WebhookDirectory;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    gateway = await stack.spawn('gateway');
    const { discord } = stack;
    directory = new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), stack.redisConnection(), stack.prefix, async () => discord.applicationId);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const discord = () => stack.discord;
  const cacheKey = (channelId: string) => feelbotKey(stack.prefix, 'webhooks', channelId);
  const cached = (channelId: string) => stack.redisConnection().exists(cacheKey(channelId));

  /** A text channel of `guildId` a worker has posted in: its webhook is cached. */
  async function postedIn(guildId: string, name: string): Promise<string> {
    const channel = discord().addChannel({ guildId, type: ChannelType.GuildText, name });
    await directory.get(channel.id, spec);
    expect(await cached(channel.id)).toBe(1);
    return channel.id;
  }

  it("a deleted channel's cached webhook leaves Redis; another channel's stays", async () => {
    const guildId = discord().world.guild.id;
    const doomed = await postedIn(guildId, 'doomed');
    const stays = await postedIn(guildId, 'stays');

    discord().deleteChannel(doomed);
    await expect.poll(() => cached(doomed), { timeout: 10_000 }).toBe(0);
    expect(await cached(stays)).toBe(1);
  });

  it("a guild the bot is removed from takes its channels' cached webhooks with it; an outage before keeps them, and another guild's stay", async () => {
    // Everyone may manage webhooks there, the bot too.
    const guild = discord().addGuild({ name: 'leaving', ownerId: discord().world.users.owner.id, everyonePermissions: BOT_PERMISSIONS });
    const channels = [await postedIn(guild.id, 'first'), await postedIn(guild.id, 'second')];
    const elsewhere = await postedIn(discord().world.guild.id, 'elsewhere');

    const unavailable = nextLog(gateway, (line) => line.guildId === guild.id && [OUTAGE, REMOVED].includes(line.msg ?? ''));
    discord().makeGuildUnavailable(guild.id);
    await unavailable;
    for (const channelId of channels) expect(await cached(channelId)).toBe(1);
    discord().makeGuildAvailable(guild.id);

    const removed = nextLog(gateway, (line) => line.guildId === guild.id && line.msg === REMOVED);
    discord().removeBotFromGuild(guild.id);
    await removed;
    for (const channelId of channels) expect(await cached(channelId)).toBe(0);
    expect(await cached(elsewhere)).toBe(1);
  });
});
