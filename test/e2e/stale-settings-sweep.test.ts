import { ChannelType } from 'discord-api-types/v10';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS, type GuildSettings } from '../../src/domain/guild-settings.js';
import { DiscordErrorCode, type ChannelRecord, type FakeDiscord, type FaultResponse } from '../fakes/fake-discord/index.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

const SWEPT = 'swept the settings of a guild';
const OUTAGE = 'a guild is unavailable (a Discord outage); its settings stay';
const REMOVED = 'deleted the settings of a guild the bot left';
/** The lookups one sweep makes at most; the gateway's own cap. */
const MAX_LOOKUPS = 50;
/** More answers than one lookup uses (the REST client retries a 5xx), and enough for every gateway of a test. */
const PLENTY = 20;
const missingAccess: FaultResponse = { status: 403, code: DiscordErrorCode.MissingAccess, message: 'Missing Access' };
const serverError: FaultResponse = { status: 500, message: '500: Internal Server Error' };

/** The first matching log line the process writes from now on; earlier lines do not count. */
function nextLog(process: FeelbotProcess, matches: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
  const earlier = new Set(process.logs);
  return process.waitForLog((line) => !earlier.has(line) && matches(line), timeoutMs);
}

const sweptGuild = (guildId: string, cause?: string) => (line: LogLine) => line.msg === SWEPT && line.guildId === guildId && (cause === undefined || line.cause === cause);

/** What the gateway asked Discord of one channel id (GET /channels/{id}), as HTTP statuses in order. */
const lookupsOf = (discord: FakeDiscord, channelId: string) =>
  discord.requests.filter((request) => request.method === 'GET' && request.path === `/channels/${channelId}`).map((request) => request.status);

const errorLines = (process: FeelbotProcess) => process.logs.filter((line) => line.level === 'error' || line.level === 'fatal').map((line) => line.msg);

/**
 * Settings naming channels and threads that were deleted when no gateway heard of it: while it was
 * down (longer than Discord keeps a session to resume), or threads that went with their channel,
 * which Discord does not announce. Real gateway processes, the fake Discord, a private Redis.
 */
describe('a gateway that starts (GUILD_CREATE) sweeps what the guild settings name and Discord no longer has', () => {
  let stored: GuildSettings;
  let ids: Record<'goneWhileDown' | 'parentGoneWhileDown' | 'threadOfGone' | 'archivedThread' | 'forbidden' | 'failing', string>;

  const e2e = useFeelbotStack({
    seed: async (stack) => {
      const { discord } = stack;
      const { guild, channels, users } = discord.world;
      // No gateway runs yet: the deletions below reach no one, as when they happen while it is down.
      const goneWhileDown = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'gone-while-down' });
      const parent = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'parent-gone-while-down' });
      const threadOfGone = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'went with its channel', parentId: parent.id, ownerId: users.member.id });
      discord.deleteChannel(goneWhileDown.id);
      discord.deleteChannel(parent.id);
      // Archived, so not in GUILD_CREATE (active threads only): the gateway must ask Discord, which still has it.
      const archivedThread = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'long done', parentId: channels.text.id, ownerId: users.member.id });
      discord.closeThread(archivedThread.id);
      ids = {
        goneWhileDown: goneWhileDown.id,
        parentGoneWhileDown: parent.id,
        threadOfGone: threadOfGone.id,
        archivedThread: archivedThread.id,
        // Ids the fake has no channel for: without the answers injected below they would read as gone, so only the answer keeps them.
        forbidden: discord.newId(),
        failing: discord.newId(),
      };
      discord.failNext(`GET /channels/${ids.forbidden}`, Array.from({ length: PLENTY }, () => missingAccess));
      discord.failNext(`GET /channels/${ids.failing}`, Array.from({ length: PLENTY }, () => serverError));

      stored = await stack.settingsStore().update(guild.id, (current) => ({
        ...current,
        defaultMode: 'always',
        modes: {
          [channels.text.id]: 'auto',
          [channels.thread.id]: 'off',
          [channels.category.id]: 'mention',
          [ids.goneWhileDown]: 'always',
          [ids.parentGoneWhileDown]: 'off',
          [ids.threadOfGone]: 'always',
          [ids.archivedThread]: 'off',
          [ids.forbidden]: 'always',
          [ids.failing]: 'auto',
        },
        logChannelId: ids.goneWhileDown,
      }));
    },
    gateway: {},
  });
  beforeAll(async () => {
    await e2e.gateway.waitForLog(sweptGuild(e2e.stack.discord.world.guild.id, 'guild available'), 20_000);
  });

  const guildId = () => e2e.stack.discord.world.guild.id;
  const current = () => e2e.settings.get(guildId());

  it('a channel deleted while the gateway was down loses its mode, and the log channel set to it is cleared', async () => {
    const now = await current();
    expect(now.modes).not.toHaveProperty(ids.goneWhileDown);
    expect(now.logChannelId).toBeUndefined();
    expect(lookupsOf(e2e.stack.discord, ids.goneWhileDown)).toEqual([404]);
  });

  it("a channel deleted while the gateway was down, and the thread Discord deleted with it unannounced, both lose their modes", async () => {
    const { modes } = await current();
    expect(modes).not.toHaveProperty(ids.parentGoneWhileDown);
    expect(modes).not.toHaveProperty(ids.threadOfGone);
  });

  it('an archived thread Discord still has (200) keeps its mode', async () => {
    expect((await current()).modes[ids.archivedThread]).toBe('off');
    expect(lookupsOf(e2e.stack.discord, ids.archivedThread)).toEqual([200]);
  });

  it('a channel Discord refuses to show (403 Missing Access) keeps its mode: nothing is deleted on doubt', async () => {
    expect((await current()).modes[ids.forbidden]).toBe('always');
    expect(lookupsOf(e2e.stack.discord, ids.forbidden)).toEqual([403]);
  });

  it('a channel Discord answers 500 for, after the REST client retried, keeps its mode', async () => {
    expect((await current()).modes[ids.failing]).toBe('auto');
    const statuses = lookupsOf(e2e.stack.discord, ids.failing);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([500]));
  });

  it('the rest of the settings stay, and channels, categories and threads the gateway knows are never looked up', async () => {
    const { channels } = e2e.stack.discord.world;
    expect(await current()).toEqual({
      ...stored,
      modes: { [channels.text.id]: 'auto', [channels.thread.id]: 'off', [channels.category.id]: 'mention', [ids.archivedThread]: 'off', [ids.forbidden]: 'always', [ids.failing]: 'auto' },
      logChannelId: undefined,
    } satisfies GuildSettings);
    for (const known of [channels.text.id, channels.thread.id, channels.category.id]) expect(lookupsOf(e2e.stack.discord, known)).toEqual([]);
    expect(errorLines(e2e.gateway)).toEqual([]);
  });

  it('a second gateway starting sweeps the same guild and writes nothing: the stored settings stay byte for byte', async () => {
    const key = feelbotKey(e2e.stack.prefix, 'settings', guildId());
    const before = await e2e.stack.redisConnection().get(key);
    const second = await e2e.stack.spawn('gateway');
    const line = await second.waitForLog(sweptGuild(guildId(), 'guild available'), 20_000);
    expect(line).toMatchObject({ gone: 0 });
    expect(await e2e.stack.redisConnection().get(key)).toBe(before);
    expect(errorLines(second)).toEqual([]);
    await second.stop();
  });
});

describe('a running gateway sweeps a guild after a channel of it is deleted (CHANNEL_DELETE)', () => {
  let parent: ChannelRecord;
  /** Archived before the gateway started, so it was never in its cache. */
  let archivedThread: ChannelRecord;

  const e2e = useFeelbotStack({
    seed: ({ discord }) => {
      const { guild, users } = discord.world;
      parent = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'doomed-parent' });
      archivedThread = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'archived talk', parentId: parent.id, ownerId: users.member.id });
      discord.closeThread(archivedThread.id);
    },
    gateway: {},
    freshSettings: true,
  });

  const discord = () => e2e.stack.discord;
  const guildId = () => discord().world.guild.id;
  const throwaway = () => discord().addChannel({ guildId: guildId(), type: ChannelType.GuildText, name: 'throwaway' });

  it('the threads of a deleted channel lose their modes: an active one in the cache and an archived one the gateway never saw', async () => {
    const { channels, users } = discord().world;
    const activeThread = discord().addChannel({ guildId: guildId(), type: ChannelType.PublicThread, name: 'active talk', parentId: parent.id, ownerId: users.member.id });
    await e2e.settings.update(guildId(), (current) => ({
      ...current,
      modes: { [parent.id]: 'off', [activeThread.id]: 'always', [archivedThread.id]: 'auto', [channels.text.id]: 'mention', [channels.thread.id]: 'always' },
    }));

    const swept = nextLog(e2e.gateway, sweptGuild(guildId(), 'channel deleted'));
    discord().deleteChannel(parent.id);
    await swept;
    expect((await e2e.settings.get(guildId())).modes).toEqual({ [channels.text.id]: 'mention', [channels.thread.id]: 'always' });
    expect(lookupsOf(discord(), archivedThread.id)).toEqual([404]);
    expect(errorLines(e2e.gateway)).toEqual([]);
  });

  it(`one sweep looks up at most ${MAX_LOOKUPS} ids; the rest stay until the next sweep looks them up`, async () => {
    const stale = Array.from({ length: MAX_LOOKUPS + 5 }, () => discord().newId());
    await e2e.settings.update(guildId(), (current) => ({ ...current, modes: Object.fromEntries(stale.map((id) => [id, 'always' as const])) }));

    const first = nextLog(e2e.gateway, sweptGuild(guildId(), 'channel deleted'));
    discord().deleteChannel(throwaway().id);
    expect(await first).toMatchObject({ checked: MAX_LOOKUPS, gone: MAX_LOOKUPS, unchecked: 5 });
    expect(stale.filter((id) => lookupsOf(discord(), id).length > 0)).toHaveLength(MAX_LOOKUPS);
    expect(Object.keys((await e2e.settings.get(guildId())).modes)).toHaveLength(5);

    const second = nextLog(e2e.gateway, sweptGuild(guildId(), 'channel deleted'));
    discord().deleteChannel(throwaway().id);
    expect(await second).toMatchObject({ checked: 5, gone: 5, unchecked: 0 });
    expect((await e2e.settings.get(guildId())).modes).toEqual({});
    for (const id of stale) expect(lookupsOf(discord(), id)).toEqual([404]);
  });

  it('a guild the bot joins is swept as it becomes available', async () => {
    const joined = discord().newId();
    const gone = discord().newId();
    await e2e.settings.update(joined, (current) => ({ ...current, modes: { [gone]: 'always' }, logChannelId: gone }));

    const swept = nextLog(e2e.gateway, sweptGuild(joined, 'guild available'));
    discord().addGuild({ id: joined, name: 'joined later', ownerId: discord().world.users.owner.id });
    expect(await swept).toMatchObject({ gone: 1 });
    expect(await e2e.settings.get(joined)).toEqual(DEFAULT_GUILD_SETTINGS);
  });
});

describe('a guild the bot leaves (GUILD_DELETE)', () => {
  const e2e = useFeelbotStack({ gateway: {} });

  const discord = () => e2e.stack.discord;
  const settingsKey = (guildId: string) => feelbotKey(e2e.stack.prefix, 'settings', guildId);

  /** A guild the bot has joined, and the gateway has swept, with settings of its own. */
  async function joinedGuild(name: string) {
    const guild = discord().addGuild({ name, ownerId: discord().world.users.owner.id });
    await e2e.gateway.waitForLog(sweptGuild(guild.id, 'guild available'), 20_000);
    const stored = await e2e.settings.update(guild.id, (current) => ({ ...current, defaultMode: 'always', userCooldownSeconds: 30 }));
    return { guild, stored };
  }

  it('an outage (GUILD_DELETE with unavailable: true) keeps the guild settings; so does the guild coming back', async () => {
    const { guild, stored } = await joinedGuild('in an outage');

    // Either outcome ends the wait, so a gateway that deleted them fails on the settings, not on a timeout.
    const handled = nextLog(e2e.gateway, (line) => line.guildId === guild.id && [OUTAGE, REMOVED].includes(line.msg ?? ''));
    discord().makeGuildUnavailable(guild.id);
    await handled;
    expect(await e2e.settings.get(guild.id)).toEqual(stored);
    expect(await e2e.stack.redisConnection().exists(settingsKey(guild.id))).toBe(1);

    const back = nextLog(e2e.gateway, sweptGuild(guild.id, 'guild available'));
    discord().makeGuildAvailable(guild.id);
    await back;
    expect(await e2e.settings.get(guild.id)).toEqual(stored);
  });

  it("removal (GUILD_DELETE without unavailable) deletes that guild's settings from Redis, and no other guild's", async () => {
    const { guild } = await joinedGuild('leaving');
    const stays = discord().world.guild.id;
    const kept = await e2e.settings.update(stays, (current) => ({ ...current, defaultMode: 'off' }));

    const removed = nextLog(e2e.gateway, (line) => line.guildId === guild.id && line.msg === REMOVED);
    discord().removeBotFromGuild(guild.id);
    expect(await removed).toMatchObject({ level: 'info', hadSettings: true });
    expect(await e2e.stack.redisConnection().exists(settingsKey(guild.id))).toBe(0);
    expect(await e2e.settings.get(stays)).toEqual(kept);
    expect(errorLines(e2e.gateway)).toEqual([]);
  });
});

describe('a gateway stopping mid-sweep', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('stops sweeping at once, well within its drain time, and deletes nothing Discord has not confirmed gone', async () => {
    stack = await FeelbotStack.start();
    const { discord } = stack;
    const guildId = discord.world.guild.id;
    const settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
    const [held, never] = [discord.newId(), discord.newId()];
    await settings.update(guildId, (current) => ({ ...current, modes: { [held]: 'always', [never]: 'off' } }));
    // Whichever id the sweep looks up first waits for an answer that never comes while the test runs.
    const release = discord.holdNext((request) => request.method === 'GET' && (request.path === `/channels/${held}` || request.path === `/channels/${never}`));

    const gateway = await stack.spawn('gateway');
    await discord.waitFor(() => discord.requests.some((request) => request.path === `/channels/${held}` || request.path === `/channels/${never}`), { timeoutMs: 20_000 });
    const started = Date.now();
    const code = await gateway.stop('SIGTERM');
    const ms = Date.now() - started;
    release();
    expect(code).toBe(0);
    // The gateway waits up to 10 s (DRAIN_MS) for work in hand; a sweep is not worth that wait.
    expect(ms).toBeLessThan(5_000);
    expect((await settings.get(guildId)).modes).toEqual({ [held]: 'always', [never]: 'off' });
  }, 60_000);
});
