import { ChannelType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { BOT_PERMISSIONS } from '../fakes/fake-discord/index.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { everythingUnder } from '../support/redis-contents.js';

/** What a worker logs once it is through with a job, whichever way. */
const JOB_ENDS = ['job done', 'reply given up', 'job failed'];

/**
 * A server that removes the bot while its members' replies wait for a worker: the gateway deletes
 * its settings and cached webhooks ("Discord's developer policy asks for such data to go"), and the
 * reply jobs of its members (their text, display names, ids, and other members' messages as
 * context) go with them, so a worker that comes up later classifies and prompts nothing of them.
 * Real gateway and worker processes, the fake Discord, a private Redis.
 */
describe("a server that removes the bot while its members' replies wait for a worker", () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let worker: FeelbotProcess;
  let jobId: string;
  const secret = 'my therapist says I should leave him, I am so scared';

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    gateway = await stack.spawn('gateway');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const jobEnded = (id: string) => (line: LogLine) => line.jobId === id && JOB_ENDS.includes(line.msg ?? '');

  it("leaves none of the server's members' text in Redis once the bot is removed, their edited messages' newest text included", async () => {
    const { discord } = stack;
    const message = stack.mention(secret);
    jobId = messageJobId(message.id);
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 20_000);
    // Another member's message, sent after the mention (in no reply's context) and edited: its newest text is kept for an hour.
    const said = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: stack.newMember(), content: 'call me later' });
    discord.editMessage(discord.world.channels.text.id, said.id, 'my new number is 555 0199, call me');
    await gateway.waitForLog((line) => line.msg === 'edited; replies with it in their context read the new text' && line.messageId === said.id, 20_000);

    discord.removeBotFromGuild(discord.world.guild.id);
    await gateway.waitForLog((line) => line.msg === 'deleted the settings of a guild the bot left', 20_000);
    // Past the burst window (2.5 s): what is left is not the short-lived burst buffer.
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    const contents = await everythingUnder(stack.redisConnection(), stack.prefix);
    expect(contents).not.toContain('my therapist');
    expect(contents).not.toContain('555 0199');
  }, 60_000);

  it("a worker that starts later never classifies or writes a reply from the removed server's messages, while it answers another server's", async () => {
    const { discord } = stack;
    worker = await stack.spawn('worker');
    // Another server, whose mention is queued after the removed one's: once it is answered, the worker has been through the queue.
    const other = discord.addGuild({ name: 'still here', ownerId: discord.world.users.owner.id, everyonePermissions: BOT_PERMISSIONS });
    const channel = discord.addChannel({ guildId: other.id, type: ChannelType.GuildText, name: 'general' });
    const author = discord.addUser({ username: 'witness' });
    discord.addMember({ guildId: other.id, userId: author.id });
    const witness = discord.sendMessage({ channelId: channel.id, authorId: author.id, content: 'I got the job, I am so happy!', mentionsBot: true });
    const done = await worker.waitForLog(jobEnded(messageJobId(witness.id)), 90_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });

    expect(worker.logs.filter((line) => line.jobId === jobId).map((line) => line.msg)).toEqual([]);
    expect(discord.webhookExecutions().filter((post) => post.channelId === discord.world.channels.text.id)).toEqual([]);
  }, 120_000);

  it('the bot added to the server again answers its new messages at once', async () => {
    const { discord } = stack;
    const { guild, users, roles } = discord.world;
    discord.addMember({ guildId: guild.id, userId: users.bot.id, roleIds: [roles.bot.id] });
    discord.makeGuildAvailable(guild.id);
    await gateway.waitForLog((line) => line.msg === 'lifted the block of a guild the bot is in again' && line.guildId === guild.id, 20_000);

    const message = stack.mention('you are back! I missed you, I was so lonely');
    const done = await worker.waitForLog(jobEnded(messageJobId(message.id)), 90_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    expect(discord.webhookExecutions().filter((post) => post.channelId === discord.world.channels.text.id)).toHaveLength(1);
  }, 120_000);
});
