import { randomUUID } from 'node:crypto';
import { ChannelType, InteractionContextType } from 'discord-api-types/v10';
import { Events, type Interaction } from 'discord.js';
import { expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { ANALYZE_MESSAGE_COMMAND, FEEL_COMMAND } from '../../../src/gateway/commands/command-definitions.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { analysisJobId, parseAnalysisJob } from '../../../src/jobs/analysis-job.js';
import type { InteractionInput } from '../../fakes/fake-discord/index.js';
import { addGuild } from '../../fakes/fake-discord/world.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { textOption } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * /feel and "Analyze emotion" through a user install, where the gateway's own client (with the
 * Channel partial) knows the place only from the interaction: a group DM the bot is not in, a
 * channel of no server, where a role mention names no role anyone can look up; and a server the bot
 * is not in, whose channel it cannot build at all.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient(createDiscordClient);

/** A command in the world's group DM, sent by its member. */
function inGroupDm(command: Pick<InteractionInput, 'commandName' | 'options' | 'targetMessageId'>) {
  const { channels, users } = fake.discord.world;
  return throughUserInstall({ channelId: channels.groupDm.id, userId: users.member.id, ...command });
}

/** Interaction callback type: "thinking…", to be edited later. */
const DEFERRED = 5;
const ROLE_MENTION = '<@&666666666666666666>';

/** Sends a command through a user install, has the gateway's handler take it, and reads what became of it. */
async function throughUserInstall(command: Pick<InteractionInput, 'channelId' | 'userId' | 'commandName' | 'options' | 'targetMessageId'>) {
  const { discord, client } = fake;
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
  const sent = discord.sendInteraction({ installedBy: 'user', ...command });
  await handled;
  const queued = await queue.queue.getJob(analysisJobId(sent.id));
  await queue.close();
  return { sent, lines, responses: discord.interactionResponses(sent.id), job: queued ? parseAnalysisJob(queued.data) : undefined };
}

it('a /feel with a role mention, in a group DM through a user install, is deferred and queued with the mention as written', async () => {
  const typed = `${ROLE_MENTION} why did you all leave me`;
  const { sent, lines, responses, job } = await inGroupDm({ commandName: FEEL_COMMAND, options: [textOption('text', typed)] });

  expect(sent.payload).toMatchObject({ context: InteractionContextType.PrivateChannel, authorizing_integration_owners: { '1': fake.discord.world.users.member.id } });
  expect(lines.filter((line) => line.msg === 'interaction failed')).toEqual([]);
  expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([['callback', DEFERRED]]);
  expect(job).toMatchObject({ source: 'slash', guildId: null, channelId: fake.discord.world.channels.groupDm.id, text: typed, rawText: typed });
});

it('"Analyze emotion" on a group DM message with a role mention is deferred and queued with the mention as written, and a user mention read as the name', async () => {
  const { discord } = fake;
  const { admin, member } = discord.world.users;
  const content = `${ROLE_MENTION} nobody answered me all night, <@${member.id}>`;
  const target = discord.sendMessage({ channelId: discord.world.channels.groupDm.id, authorId: admin.id, content });
  const { lines, responses, job } = await inGroupDm({ commandName: ANALYZE_MESSAGE_COMMAND, targetMessageId: target.id });

  expect(lines.filter((line) => line.msg === 'interaction failed')).toEqual([]);
  expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([['callback', DEFERRED]]);
  expect(job).toMatchObject({
    source: 'message-menu',
    guildId: null,
    channelId: discord.world.channels.groupDm.id,
    text: `${ROLE_MENTION} nobody answered me all night, @${member.globalName}`,
    rawText: content,
  });
});

it('"Analyze emotion" on a plain message in a server without the bot (user install) is deferred and queued', async () => {
  const { discord } = fake;
  const owner = discord.addUser({ username: 'stranger-owner' });
  const guild = addGuild(discord.store, { name: 'no bot here', ownerId: owner.id });
  const user = discord.addUser({ username: 'user-installer' });
  discord.addMember({ guildId: guild.id, userId: user.id });
  const channel = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' }, { announced: false });
  const target = discord.sendMessage({ channelId: channel.id, authorId: owner.id, content: 'I got the job, I am so happy!' });
  const { lines, responses, job } = await throughUserInstall({ channelId: channel.id, userId: user.id, commandName: ANALYZE_MESSAGE_COMMAND, targetMessageId: target.id });

  expect(lines.filter((line) => line.msg === 'interaction failed')).toEqual([]);
  expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([['callback', DEFERRED]]);
  expect(job).toMatchObject({ source: 'message-menu', text: 'I got the job, I am so happy!' });
});
