import { ChannelType } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

/** A channel named for a feeling: the shipped model reads "the new rules are pinned in #scary-stories" as confident fear. */
const SCARY_CHANNEL = 'scary-stories';

/**
 * What the classifier reads of a message with mentions and custom emoji in it, on a real gateway
 * and worker against the fake Discord: a mention's name (a channel's, a role's, a member's) is none
 * of the author's feeling, while the reply still sees the names people see.
 */
describe('mentioned names are not read as the author\'s feeling', () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;
  let gateway: FeelbotProcess;
  let plansId: string;
  let scaryId: string;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    worker = await stack.spawn('worker');
    // Long enough that an edit made once the message is queued reaches its job before a worker does.
    gateway = await stack.spawn('gateway', { BURST_WINDOW_MS: '4000' });
    const { guild } = stack.discord.world;
    plansId = stack.discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'plans' }).id;
    scaryId = stack.discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: SCARY_CHANNEL }).id;
    const settings = new RedisSettingsStore(stack.redisConnection(), stack.prefix);
    await settings.update(guild.id, (current) => ({ ...current, modes: { ...current.modes, [plansId]: 'auto' } }));
  });
  afterEach((context) => {
    // The processes' last lines, should a scenario fail; they keep running for the next one.
    if (context.task.result?.state === 'fail') console.error(stack.outputs());
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const done = (jobId: string) => worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, 45_000);
  const say = (content: string, authorId = stack.newMember()) => stack.discord.sendMessage({ channelId: plansId, authorId, content });

  it("a mentioned channel's name is not read as the author's emotion in auto mode", async () => {
    const control = say(`the new rules are pinned in <#${stack.discord.world.channels.text.id}>`);
    expect((await done(messageJobId(control.id))).outcome).toMatchObject({ status: 'skipped', reason: 'not-emotional' });

    const named = say(`the new rules are pinned in <#${scaryId}>`);
    expect((await done(messageJobId(named.id))).outcome).toMatchObject({ status: 'skipped', reason: 'not-emotional' });
  });

  it("nor in a burst, where one message's mention is folded with the author's other messages", async () => {
    const author = stack.newMember();
    say(`the new rules are pinned in <#${scaryId}>`, author);
    const newest = say('go and read them before friday', author);
    expect((await done(messageJobId(newest.id))).outcome).toMatchObject({ status: 'skipped', reason: 'not-emotional' });
  });

  it('nor once a waiting message is edited to mention the channel', async () => {
    const message = say('I am so happy today, everything went right');
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 10_000);
    stack.discord.editMessage(plansId, message.id, `the new rules are pinned in <#${scaryId}>`);
    await gateway.waitForLog((line) => line.msg === 'edited before its reply; the reply answers the new text' && line.messageId === message.id, 10_000);
    expect((await done(messageJobId(message.id))).outcome).toMatchObject({ status: 'skipped', reason: 'not-emotional' });
  });

  it("the queued job carries the text both as people read it and as Discord sent it, each without the bot's mention", async () => {
    const message = stack.mention(`see <#${scaryId}> <:sadCat:123456789012345678>`);
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 10_000);
    const job = await stack.replyQueue().getJob(messageJobId(message.id));
    expect(job!.data).toMatchObject({ content: `see #${SCARY_CHANNEL} :sadCat:`, rawContent: `see <#${scaryId}> <:sadCat:123456789012345678>` });
    await done(messageJobId(message.id));
  });

  it('the reply is still written from the names people see', async () => {
    const message = stack.mention(`I am so happy, the party is in <#${scaryId}> tonight`);
    const jobId = messageJobId(message.id);
    const prompt = JSON.stringify((await worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId, 45_000)).prompt);
    expect(prompt).toContain(`the party is in #${SCARY_CHANNEL} tonight`);
    expect(prompt).not.toContain('<#');
    expect((await done(jobId)).outcome).toMatchObject({ status: 'posted', emotion: 'joy' });
  });

  it("a custom emoji's camel-case name is read as the feeling it names", async () => {
    const message = stack.mention('my exam went badly <:sadCat:123456789012345678>');
    expect((await done(messageJobId(message.id))).outcome).toMatchObject({ status: 'posted', emotion: 'sadness' });
  });

  it("/feel reads the text typed, without the mentioned channel's name", async () => {
    const control = stack.feel(`the new rules are pinned in <#${stack.discord.world.channels.text.id}>`);
    const named = stack.feel(`the new rules are pinned in <#${scaryId}>`);
    const [controlDone, namedDone] = await Promise.all([done(analysisJobId(control.id)), done(analysisJobId(named.id))]);
    expect(namedDone.outcome).toEqual(controlDone.outcome);
  });

  it('"Analyze emotion" on a message reads it without the mentioned channel\'s name', async () => {
    // In a `mention` channel, where the messages themselves ask for no reply.
    const { text } = stack.discord.world.channels;
    const analyze = (content: string) => {
      const target = stack.discord.sendMessage({ channelId: text.id, authorId: stack.newMember(), content });
      return stack.discord.sendInteraction({ channelId: text.id, userId: stack.newMember(), commandName: 'Analyze emotion', targetMessageId: target.id });
    };
    const control = analyze(`the new rules are pinned in <#${text.id}>, at the top`);
    const named = analyze(`the new rules are pinned in <#${scaryId}>, at the top`);
    const [controlDone, namedDone] = await Promise.all([done(analysisJobId(control.id)), done(analysisJobId(named.id))]);
    expect(namedDone.outcome).toEqual(controlDone.outcome);
  });
});
