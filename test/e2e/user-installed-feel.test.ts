import { ChannelType, MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import type { InteractionInput } from '../fakes/fake-discord/index.js';
import { addGuild } from '../fakes/fake-discord/world.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';
import { flagOption, textOption } from '../support/feelbot-command.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/** What the gateway logs after a READY's sweep of the guilds the bot left. */
const SWEPT = 'deleted the settings of guilds the bot left while no gateway listened';

/**
 * A member who installed feelbot to their own account (User Install) uses /feel in servers the bot
 * is not in: Discord sends the interaction to the bot all the same, and the answer goes through the
 * interaction, which needs no bot in the server. Real gateway and worker processes, the fake
 * Discord, a private Redis.
 */
describe('/feel from a user install, in a server without the bot', () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let worker: FeelbotProcess;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    [gateway, worker] = await Promise.all([stack.spawn('gateway'), stack.spawn('worker')]);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** A server the bot was never added to, with one member (who user-installed feelbot) and a channel the bot never heard of. */
  function serverWithoutTheBot(): { channelId: string; userId: string } {
    const { discord } = stack;
    const owner = discord.addUser({ username: 'stranger-owner' });
    const guild = addGuild(discord.store, { name: 'no bot here', ownerId: owner.id });
    const user = discord.addUser({ username: 'user-installer' });
    discord.addMember({ guildId: guild.id, userId: user.id });
    const channel = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' }, { announced: false });
    return { channelId: channel.id, userId: user.id };
  }

  function feel(where: { channelId: string; userId: string }, installedBy: InteractionInput['installedBy'] = 'user') {
    return stack.discord.sendInteraction({ ...where, commandName: 'feel', installedBy, options: [textOption('text', 'I got the job, I am so happy!')] });
  }

  /** How the worker ended the /feel, once it has; and the card it edited into the deferred answer, if any. */
  async function outcomeOf(interactionId: string) {
    const done = await worker.waitForLog((line) => (line.msg === 'job done' || line.msg === 'job failed') && line.jobId === analysisJobId(interactionId), 90_000);
    const edit = stack.discord.interactionResponses(interactionId).find((response) => Array.isArray(response.body.embeds));
    const title = (edit?.body.embeds as Array<{ title?: string }> | undefined)?.[0]?.title;
    return { outcome: done.outcome, title };
  }

  it('is answered through the interaction', async () => {
    const sent = feel(serverWithoutTheBot());
    expect(await outcomeOf(sent.id)).toEqual({ outcome: expect.objectContaining({ status: 'answered' }), title: expect.stringMatching(/Core emotion/) });
  }, 120_000);

  it('asked with public:true by a member without USE_EXTERNAL_APPS there (the fake\'s default @everyone), is answered privately, as Discord would show it', async () => {
    const sent = stack.discord.sendInteraction({
      ...serverWithoutTheBot(),
      commandName: 'feel',
      installedBy: 'user',
      options: [textOption('text', 'I got the job, I am so happy!'), flagOption('public', true)],
    });
    const [deferral] = await stack.discord.waitFor(() => stack.discord.interactionResponses(sent.id).length > 0 && stack.discord.interactionResponses(sent.id), { timeoutMs: 10_000 });
    expect(((deferral!.body.data as { flags?: number } | undefined)?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((await outcomeOf(sent.id)).outcome).toMatchObject({ status: 'answered' });
  }, 120_000);

  it('does not make a gateway that starts later take the server for one that removed the bot: nothing is blocked, and the next /feel there is answered', async () => {
    const place = serverWithoutTheBot();
    const first = feel(place);
    expect((await outcomeOf(first.id)).outcome).toMatchObject({ status: 'answered' });

    await gateway.stop();
    gateway = await stack.spawn('gateway');
    const swept = await gateway.waitForLog((line) => line.msg === SWEPT, 20_000);
    expect(swept).toMatchObject({ leftGuilds: 0, removedJobs: 0 });

    const next = feel(place);
    expect((await outcomeOf(next.id)).outcome).toMatchObject({ status: 'answered' });
  }, 180_000);

  it('is answered in a server that removed the bot, too: the block of that server is for its own install', async () => {
    const { discord } = stack;
    const guild = discord.addGuild({ name: 'removed the bot', ownerId: discord.addUser({ username: 'remover' }).id });
    const channel = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general' });
    const user = discord.addUser({ username: 'still-has-it' });
    discord.addMember({ guildId: guild.id, userId: user.id });
    discord.removeBotFromGuild(guild.id);
    await gateway.waitForLog((line) => line.msg === 'deleted the settings of a guild the bot left' && line.guildId === guild.id, 20_000);

    const sent = feel({ channelId: channel.id, userId: user.id });
    expect((await outcomeOf(sent.id)).outcome).toMatchObject({ status: 'answered' });
  }, 120_000);
});
