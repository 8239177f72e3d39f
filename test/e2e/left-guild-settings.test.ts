import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

const SWEPT = 'deleted the settings of guilds the bot left while no gateway listened';

/**
 * Settings of a guild that removed the bot while no gateway ran (a deploy, a crash, an outage longer
 * than Discord keeps a session to resume): no GUILD_DELETE reaches anyone, so the gateway finds them
 * at READY, which lists every guild the bot is in. A real gateway process, the fake Discord, a private Redis.
 */
describe('settings of a guild the bot left while no gateway listened', () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let settings: RedisSettingsStore;
  let left: string;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const discord = () => stack.discord;
  const stored = (guildId: string) => stack.redisConnection().exists(feelbotKey(stack.prefix, 'settings', guildId));

  it('are deleted when a gateway starts and READY no longer lists the guild; the guilds the bot is in keep theirs', async () => {
    const owner = discord().world.users.owner.id;
    const kept = await settings.update(discord().world.guild.id, (current) => ({ ...current, defaultMode: 'always' }));
    left = discord().addGuild({ name: 'kicked while the gateway was down', ownerId: owner }).id;
    await settings.update(left, (current) => ({ ...current, defaultMode: 'off' }));
    discord().removeBotFromGuild(left);

    gateway = await stack.spawn('gateway');
    await expect.poll(() => stored(left), { timeout: 20_000 }).toBe(0);
    expect(await settings.get(discord().world.guild.id)).toEqual(kept);
    const swept = await gateway.waitForLog((line) => line.msg === SWEPT);
    expect(swept).toMatchObject({ level: 'info', deleted: 1, shardId: 0, shardCount: 1, stopped: false });
  }, 60_000);

  it('a resumed session (RESUMED, no READY) deletes nothing: it lists no guilds', async () => {
    const stranger = discord().newId();
    await settings.update(stranger, (current) => ({ ...current, defaultMode: 'off' }));
    const resumes = discord().gatewayStats.resumes;
    const earlier = new Set<LogLine>(gateway.logs);

    discord().disconnectGateway();
    await discord().waitFor(() => discord().gatewayStats.resumes > resumes, { timeoutMs: 20_000 });
    // A message after the resume, handled, shows the gateway has taken in what came before it.
    const after = stack.mention('hello again');
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === after.id, 20_000);
    expect(await stored(stranger)).toBe(1);
    expect(gateway.logs.filter((line) => !earlier.has(line) && line.msg === SWEPT)).toEqual([]);
  }, 60_000);
});
