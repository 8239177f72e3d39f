import { randomUUID } from 'node:crypto';
import { ChannelType } from 'discord-api-types/v10';
import { Events, type Interaction } from 'discord.js';
import { expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { analysisJobId, parseAnalysisJob, type AnalysisJob } from '../../../src/jobs/analysis-job.js';
import { flagOption, textOption } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * The gateway's /feel handler on a real Redis and BullMQ queue, and a real discord.js client logged
 * in to the fake Discord: the worker checks a public /feel's place again before answering, and a
 * thread or a channel takes its mode from its parent or category, so the job must name them.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient();

it("the queued public /feel names its channel's category, and its thread's parent and that parent's category", async () => {
  const { discord, client } = fake;
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger: createLogger('silent', 'test'),
  });
  const { guild, channels, users } = discord.world;

  async function publicFeelIn(channelId: string): Promise<AnalysisJob> {
    const handled = new Promise<void>((resolve, reject) => {
      client.once(Events.InteractionCreate, (interaction: Interaction) => void handle(interaction).then(resolve, reject));
    });
    const sent = discord.sendInteraction({ channelId, userId: users.member.id, commandName: 'feel', options: [textOption('text', 'I got the job!'), flagOption('public', true)] });
    await handled;
    return parseAnalysisJob((await queue.queue.getJob(analysisJobId(sent.id)))!.data);
  }

  const thread = discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'venting', parentId: channels.categorized.id, ownerId: users.member.id });
  await expect.poll(() => client.channels.cache.has(thread.id)).toBe(true);

  expect(await publicFeelIn(channels.categorized.id)).toMatchObject({ deferredPublicly: true, channelId: channels.categorized.id, parentId: channels.category.id, categoryId: null });
  expect(await publicFeelIn(thread.id)).toMatchObject({ deferredPublicly: true, channelId: thread.id, parentId: channels.categorized.id, categoryId: channels.category.id });
  await queue.close();
});
