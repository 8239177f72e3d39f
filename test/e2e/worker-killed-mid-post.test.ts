import { PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

const doneFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) => line.msg === 'job done' && line.jobId === messageJobId(messageId);

describe('a worker killed while Discord is taking its post', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  /**
   * Mentions the bot in `channelId`; its worker is SIGKILLed (the OOM killer, a lost host) once
   * Discord has the reply's post and before it answers, and Discord then posts it. Another worker
   * starts, to take the stalled job; returns it and the message.
   */
  async function killedMidPost(running: FeelbotStack, channelId?: string) {
    const doomed = await running.spawn('worker');
    await running.spawn('gateway');
    const release = running.discord.holdNext('POST /webhooks/:id/:token');
    const message = running.mention('I finally got the job, I am so happy!', channelId);
    await running.discord.waitFor(() => running.discord.requests.find((request) => request.method === 'POST' && request.path.startsWith('/webhooks/')), { timeoutMs: 90_000 });
    await doomed.stop('SIGKILL');
    release();
    await running.discord.waitFor(() => running.discord.webhookExecutions().length === 1);
    return { rescuer: await running.spawn('worker'), message };
  }

  it('where the bot may not read the history, the worker that takes the stalled job does not post again: it ends post-unconfirmed, logged with its code', async () => {
    stack = await FeelbotStack.start();
    const channel = stack.discord.addChannel({
      guildId: stack.discord.world.guild.id,
      type: 0,
      name: 'no-history',
      overwrites: [{ id: stack.discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }],
    });
    const { rescuer, message } = await killedMidPost(stack, channel.id);

    const done = await rescuer.waitForLog(doneFor(message.id), 90_000);
    expect(done.outcome).toMatchObject({ status: 'skipped', reason: 'post-unconfirmed' });
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
    expect(stack.discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(1);
    const unconfirmed = rescuer.logs.find((line) => line.jobId === messageJobId(message.id) && line.level === 'warn' && line.reason === 'post-unconfirmed');
    expect(unconfirmed).toMatchObject({ code: 'JOB_STALLED' });
  }, 180_000);

  it('where the bot may read the history, the worker that takes the stalled job finds the post there and posts nothing, as before', async () => {
    stack = await FeelbotStack.start();
    const { rescuer, message } = await killedMidPost(stack);

    const done = await rescuer.waitForLog(doneFor(message.id), 90_000);
    expect(done.outcome).toEqual({ status: 'skipped', reason: 'already-answered' });
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
  }, 180_000);
});
