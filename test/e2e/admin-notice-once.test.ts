import { PermissionFlagsBits } from 'discord.js';
import { afterEach, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

let stack: FeelbotStack | undefined;
afterEach(async (context) => {
  await stack?.stop(context);
  stack = undefined;
});

it('an admin notice Discord posted before answering 502 appears once in the log channel', async () => {
  stack = await FeelbotStack.start();
  const { discord } = stack;
  const { guild, roles } = discord.world;
  const locked = discord.addChannel({ guildId: guild.id, type: 0, name: 'no-webhooks', overwrites: [{ id: roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ManageWebhooks }] });
  const modLog = discord.addChannel({ guildId: guild.id, type: 0, name: 'mod-log' });
  await new RedisSettingsStore(stack.redisConnection(), stack.prefix).update(guild.id, () => ({ ...DEFAULT_GUILD_SETTINGS, logChannelId: modLog.id }));
  const worker = await stack.spawn('worker');
  await stack.spawn('gateway');
  discord.failNext(`POST /channels/${modLog.id}/messages`, [{ status: 502, afterHandling: true }]);
  const message = stack.mention('I am so sad today', locked.id);
  const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(message.id), 90_000);
  expect(done.outcome).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
  const notices = discord.channelMessages(modLog.id);
  expect(notices).toHaveLength(1);
  expect(notices[0]!.content).toContain(`<#${locked.id}>`);
}, 120_000);
