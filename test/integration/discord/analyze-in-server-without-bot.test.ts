import { randomUUID } from 'node:crypto';
import { ChannelType } from 'discord-api-types/v10';
import { Events, type Interaction } from 'discord.js';
import { expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { ANALYZE_MESSAGE_COMMAND } from '../../../src/gateway/commands/command-definitions.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { analysisJobId, parseAnalysisJob } from '../../../src/jobs/analysis-job.js';
import { addGuild } from '../../fakes/fake-discord/world.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * "Analyze emotion" through a user install, in a server the bot is not in: the gateway's client
 * cannot build the message's channel without its server, so the target message has none.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient(createDiscordClient);

const DEFERRED = 5;

it('"Analyze emotion" on a plain message in a server without the bot (user install) is deferred and queued', async () => {
  const { discord, client } = fake;
  const owner = discord.addUser({ username: 'stranger-owner' });
  const guild = addGuild(discord.store, { name: 'no bot here', ownerId: owner.id });
  const user = discord.addUser({ username: 'user-installer' });
  discord.addMember({ guildId: guild.id, userId: user.id });
  const channel = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' }, { announced: false });
  const target = discord.sendMessage({ channelId: channel.id, authorId: owner.id, content: 'I got the job, I am so happy!' });

  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  const { logger, lines } = capturedLogger();
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger,
  });
  const handled = new Promise<void>((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction: Interaction) => void handle(interaction).then(resolve, reject));
  });
  const sent = discord.sendInteraction({ channelId: channel.id, userId: user.id, installedBy: 'user', commandName: ANALYZE_MESSAGE_COMMAND, targetMessageId: target.id });
  await handled;
  const queued = await queue.queue.getJob(analysisJobId(sent.id));
  await queue.close();

  expect(lines.filter((line) => line.msg === 'interaction failed')).toEqual([]);
  expect(discord.interactionResponses(sent.id).map((r) => [r.kind, r.callbackType])).toEqual([['callback', DEFERRED]]);
  expect(queued ? parseAnalysisJob(queued.data) : undefined).toMatchObject({ source: 'message-menu', text: 'I got the job, I am so happy!' });
});
