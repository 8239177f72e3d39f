import { randomUUID } from 'node:crypto';
import { ChannelType } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { BOT_PERMISSIONS } from '../fakes/fake-discord/index.js';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { freePort } from '../support/redis-server.js';

/** Long enough for tsx to start and discord.js to be turned away; a process still up after this hangs. */
const EXIT_WITHIN_MS = 30_000;
/** Discord's recommended (and required) shard count here: a bot past 5,000 guilds. */
const SHARD_COUNT = 2;

/**
 * A bot Discord will only let in sharded: real gateway processes (the real discord.js client), a
 * worker on the tiny model, a private Redis and a fake Discord that recommends and requires 2 shards,
 * routing each guild's events to shard (guild_id >> 22) % 2 as Discord does.
 */
describe('a bot past the guilds one shard may hold', () => {
  let stack: FeelbotStack;
  const channelOn: string[] = [];

  beforeAll(async () => {
    stack = await FeelbotStack.start({ discord: { recommendedShards: SHARD_COUNT, requiredShards: SHARD_COUNT } });
    const { discord } = stack;
    for (let shardId = 0; shardId < SHARD_COUNT; shardId++) {
      const guild = discord.addGuild({ id: discord.guildIdOnShard(shardId, SHARD_COUNT), name: `shard ${shardId}`, ownerId: discord.world.users.owner.id });
      // The bot's integration role, with what its invite asks for, as in the seeded guild.
      const role = discord.addRole({ guildId: guild.id, name: discord.botUser.username, permissions: BOT_PERMISSIONS, managed: true, botId: discord.botUser.id });
      discord.addMember({ guildId: guild.id, userId: discord.botUser.id, roleIds: [role.id] });
      channelOn.push(discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' }).id);
    }
    await stack.spawn('worker');
  });

  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(stack.outputs());
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** A mention from a new member of the guild on `shardId`, so no burst or cooldown joins two. */
  const mentionOnShard = (shardId: number, content: string) => {
    const channelId = channelOn[shardId]!;
    const user = stack.discord.addUser({ username: `user-${randomUUID().slice(0, 6)}` });
    stack.discord.addMember({ guildId: stack.discord.store.channel(channelId).guildId!, userId: user.id });
    return stack.discord.sendMessage({ channelId, authorId: user.id, content, mentionsBot: true });
  };
  const worker = () => stack.processes[0]!;
  const jobDone = (messageId: string) => worker().waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(messageId), 90_000);
  const repliesIn = (channelId: string) => stack.discord.webhookExecutions().filter((post) => post.channelId === channelId).length;

  it('a gateway on too few shards stops with CONFIG_INVALID naming DISCORD_SHARDS, not as Discord being down', async () => {
    const gateway = new FeelbotProcess(['gateway'], stack.env({ DISCORD_SHARDS: '0', DISCORD_SHARD_COUNT: '1' }));
    expect(await exitWithin(gateway, EXIT_WITHIN_MS)).toBe(1);
    const output = gateway.output.join('\n');
    expect(output).toContain('CONFIG_INVALID');
    expect(output).toContain('4011');
    expect(output).toContain('DISCORD_SHARDS');
    expect(output).not.toContain('DISCORD_UNAVAILABLE');
  }, 60_000);

  it("with DISCORD_SHARDS=auto, one gateway runs every shard Discord recommends and answers a mention in a guild of each; /healthz is ok with both up", async () => {
    const metricsPort = await freePort();
    const identified = stack.discord.gatewayStats.identifiedShards.length;
    const gateway = await stack.spawn('gateway', { DISCORD_SHARDS: 'auto', METRICS_PORT: String(metricsPort) });
    expect(stack.discord.gatewayStats.identifiedShards.slice(identified)).toEqual([[0, 2], [1, 2]]);
    // Its health endpoint opens at start-up; spawn has waited for the gateway to be ready, so its session is up.
    await gateway.waitForLog((line) => line.msg === 'http listening', 30_000);
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { discord: 'up' } });

    const before = channelOn.map(repliesIn);
    const messages = [mentionOnShard(0, 'I finally got the job, I am so happy!'), mentionOnShard(1, 'my dog is sick and I am so scared')];
    const done = await Promise.all(messages.map((message) => jobDone(message.id)));
    expect(done.map((line) => (line.outcome as { status?: string }).status)).toEqual(['posted', 'posted']);
    expect(channelOn.map((channelId, shard) => repliesIn(channelId) - before[shard]!)).toEqual([1, 1]);
    expect(await gateway.stop()).toBe(0);
  }, 120_000);

  it('two gateways, DISCORD_SHARDS=0 and =1 of DISCORD_SHARD_COUNT=2, each take only their shard’s messages into the one queue: each gets exactly one reply', async () => {
    const identified = stack.discord.gatewayStats.identifiedShards.length;
    const gateways = await Promise.all([0, 1].map((shardId) => stack.spawn('gateway', { DISCORD_SHARDS: String(shardId), DISCORD_SHARD_COUNT: String(SHARD_COUNT) })));
    expect(stack.discord.gatewayStats.identifiedShards.slice(identified).sort()).toEqual([[0, 2], [1, 2]]);

    const before = channelOn.map(repliesIn);
    const messages = [mentionOnShard(0, 'I cannot stop smiling today'), mentionOnShard(1, 'why does everyone ignore me, I am furious')];
    await Promise.all(messages.map((message, shardId) => gateways[shardId]!.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 20_000)));
    const done = await Promise.all(messages.map((message) => jobDone(message.id)));
    expect(done.map((line) => (line.outcome as { status?: string }).status)).toEqual(['posted', 'posted']);
    expect(channelOn.map((channelId, shard) => repliesIn(channelId) - before[shard]!)).toEqual([1, 1]);
    // Each gateway saw its own shard's message and never the other's.
    const sawMessage = (gateway: FeelbotProcess, messageId: string) => gateway.logs.some((line) => line.messageId === messageId);
    expect(messages.map((message) => gateways.map((gateway) => sawMessage(gateway, message.id)))).toEqual([
      [true, false],
      [false, true],
    ]);
  }, 120_000);
});
