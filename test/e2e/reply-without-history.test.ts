import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

const doneFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) => line.msg === 'job done' && line.jobId === messageJobId(messageId);

describe('replies in a channel where the bot may not read the message history', () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;
  /** A channel of its own per test, so no webhook or block of one test is another's. */
  const withoutHistory = (name: string) =>
    stack.discord.addChannel({
      guildId: stack.discord.world.guild.id,
      type: 0,
      name,
      overwrites: [{ id: stack.discord.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }],
    });

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    worker = await stack.spawn('worker');
    await stack.spawn('gateway');
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
  });

  it('a reply Discord posted before answering 502 appears once: the job ends post-unconfirmed, logged with its code, instead of posting again', async () => {
    const channel = withoutHistory('no-history');
    stack.discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    const message = stack.mention('I finally got the job, I am so happy!', channel.id);
    const done = await worker.waitForLog(doneFor(message.id), 90_000);
    expect(stack.discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(1);
    expect(done.outcome).toMatchObject({ status: 'skipped', reason: 'post-unconfirmed' });
    const unconfirmed = worker.logs.find((line) => line.jobId === messageJobId(message.id) && line.level === 'warn' && line.reason === 'post-unconfirmed');
    expect(unconfirmed).toMatchObject({ code: 'DISCORD_REQUEST_FAILED' });
  }, 120_000);

  it('a failure before the post (a 502 creating the webhook) is retried as before: the reply appears once, and no history is read for it', async () => {
    const channel = withoutHistory('no-history-2');
    stack.discord.failNext(`POST /channels/${channel.id}/webhooks`, [{ status: 502 }]);
    const message = stack.mention('my exam went so badly, I feel awful', channel.id);
    const done = await worker.waitForLog(doneFor(message.id), 90_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    expect(stack.discord.channelMessages(channel.id).filter((posted) => posted.webhook_id)).toHaveLength(1);
    // Looking for an earlier post reads the history `after` the attempt; here it could only read an empty page.
    const lookedFor = stack.discord.requests.filter((request) => request.method === 'GET' && request.path === `/channels/${channel.id}/messages` && 'after' in request.query);
    expect(lookedFor).toHaveLength(0);
  }, 120_000);
});
