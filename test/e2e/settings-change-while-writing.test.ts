import { randomUUID } from 'node:crypto';
import { ChannelType } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { channelOption, feelbotCommand, flagOption, textOption, type CommandOption } from '../support/feelbot-command.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';

/** On the slow model a reply this long takes seconds: ample time for an admin's command to land while it is written. */
const REPLY_TOKENS = 300;

/** Classified as anger by the shipped classifier, so Anger writes its reply first. */
const ANGRY = 'I am so angry at all of you, you are all idiots';

/**
 * /feelbot run by an admin while a reply is being written, on a real gateway and worker (the slow
 * model) against the fake Discord: the reply follows the settings as they are when it is posted.
 */
describe('an admin changes the settings while a reply is being written', () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    worker = await stack.spawn('worker', { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(REPLY_TOKENS) });
    await stack.spawn('gateway');
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') console.error(stack.outputs());
    await new RedisSettingsStore(stack.redisConnection(), stack.prefix).update(stack.discord.world.guild.id, () => DEFAULT_GUILD_SETTINGS);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const forJob = (messageId: string, msg: string) => (line: LogLine) => line.msg === msg && line.jobId === messageJobId(messageId);
  const done = (messageId: string) => worker.waitForLog(forJob(messageId, 'job done'), 120_000);
  const postsIn = (channelId: string) => stack.discord.webhookExecutions().filter((post) => post.channelId === channelId);

  /** A text channel of the test's own, so what one test turns off or posts stays apart from the others. */
  const newChannel = () => stack.discord.addChannel({ guildId: stack.discord.world.guild.id, type: ChannelType.GuildText, name: `writing-${randomUUID().slice(0, 4)}` }).id;

  /** A mention in `channelId`, and the persona that starts writing its reply (as the worker logs its prompt). */
  async function mentionUntilWriting(channelId: string) {
    const message = stack.mention(ANGRY, channelId);
    const prompt = await worker.waitForLog(forJob(message.id, 'prompt'));
    return { message, writer: prompt.persona };
  }

  /** `/feelbot <subcommand>` from the admin; resolves once the gateway has answered, so the change is in Redis. */
  const asAdmin = (subcommand: string, options: CommandOption[]) => feelbotCommand(stack.discord, stack.discord.world.users.admin.id, subcommand, options);

  /** The premise of each test: the admin's command landed before the reply was written in full. */
  const stillWriting = (messageId: string) => expect(worker.logs.some(forJob(messageId, 'generated'))).toBe(false);

  it('the bot turned off in the channel while the reply is written: nothing is posted there', async () => {
    const channelId = newChannel();
    const { message } = await mentionUntilWriting(channelId);
    await asAdmin('channel', [textOption('mode', 'off'), channelOption('channel', channelId)]);
    stillWriting(message.id);

    expect((await done(message.id)).outcome).toEqual({ status: 'skipped', reason: 'mode-off', emotion: 'anger' });
    expect(postsIn(channelId)).toEqual([]);
  });

  it('the persona disabled while its reply is written: another allowed persona writes it again and posts it', async () => {
    const channelId = newChannel();
    const { message, writer } = await mentionUntilWriting(channelId);
    expect(writer).toBe(DEFAULT_PERSONAS.anger.name);
    await asAdmin('persona', [textOption('name', 'anger'), flagOption('enabled', false)]);
    stillWriting(message.id);

    const outcome = (await done(message.id)).outcome as { status: string; persona?: string };
    expect(outcome).toMatchObject({ status: 'posted', emotion: 'anger' });
    expect(outcome.persona).not.toBe('anger');
    const prompts = worker.logs.filter(forJob(message.id, 'prompt')).map((line) => line.persona);
    expect(prompts).toEqual([DEFAULT_PERSONAS.anger.name, DEFAULT_PERSONAS[outcome.persona as keyof typeof DEFAULT_PERSONAS].name]);
    expect(postsIn(channelId).map((post) => post.username)).toEqual([prompts[1]]);
  });

  it("a persona's name changed while its reply is written: the reply shows the name it has now", async () => {
    const channelId = newChannel();
    const { message } = await mentionUntilWriting(channelId);
    await asAdmin('persona', [textOption('name', 'anger'), flagOption('enabled', true), textOption('display_name', 'Grumpy')]);
    stillWriting(message.id);

    expect((await done(message.id)).outcome).toMatchObject({ status: 'posted', persona: 'anger' });
    expect(postsIn(channelId).map((post) => post.username)).toEqual(['Grumpy']);
  });
});
