import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';

const doneFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) =>
  line.msg === 'job done' && line.jobId === messageJobId(messageId);

describe('faults, on real processes and a real Redis', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('a worker killed with SIGKILL in the middle of a generation: another worker takes the job and the reply is posted once', async () => {
    stack = await FeelbotStack.start();
    const slow = { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(1_000) };
    const doomed = await stack.spawn('worker', slow);
    await stack.spawn('gateway');
    const message = stack.mention('my exam went so badly, I feel awful');
    await doomed.waitForLog((line) => line.msg === 'prompt' && line.jobId === messageJobId(message.id));
    await doomed.stop('SIGKILL');
    expect(stack.discord.webhookExecutions()).toHaveLength(0);

    const rescuer = await stack.spawn('worker', slow);
    const done = await rescuer.waitForLog(doneFor(message.id), 120_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
  }, 180_000);

  it('Redis restarted (AOF) in the middle of a stream of messages: none is lost, none is answered twice', async () => {
    stack = await FeelbotStack.start({ appendOnly: true });
    const worker = await stack.spawn('worker');
    await stack.spawn('gateway');
    const channels = [stack.discord.world.channels.text.id, stack.discord.world.channels.categorized.id];
    const sent = [];
    for (let i = 0; i < 6; i++) sent.push(stack.mention(`message ${i}: I am thrilled about the trip!`, channels[i % 2]));
    await worker.waitForLog(doneFor(sent[1]!.id), 60_000);
    await stack.redis.crash();
    // These arrive while Redis is down: the gateway must hold them until it is back.
    for (let i = 6; i < 9; i++) sent.push(stack.mention(`message ${i}: this is so unfair, I am furious`, channels[i % 2]));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await stack.redis.revive();
    for (let i = 9; i < 12; i++) sent.push(stack.mention(`message ${i}: I am scared of the storm`, channels[i % 2]));

    for (const message of sent) await worker.waitForLog(doneFor(message.id), 90_000);
    const outcomes = sent.map((message) => worker.logs.filter(doneFor(message.id)).map((line) => (line.outcome as { status: string }).status));
    expect(outcomes.every((statuses) => statuses.filter((status) => status === 'posted').length === 1)).toBe(true);
    expect(stack.discord.webhookExecutions()).toHaveLength(sent.length);
  }, 180_000);

  describe('on one running stack', () => {
    it('Discord answering 500 and then 429 with retry_after: the reply is posted once, after the wait', async () => {
      stack = await FeelbotStack.start();
      const worker = await stack.spawn('worker');
      await stack.spawn('gateway');
      stack.discord.failNext('POST /webhooks/:id/:token', [{ status: 500 }, { status: 429, retryAfter: 1.5 }]);
      const message = stack.mention('we won the final!!!');
      await worker.waitForLog(doneFor(message.id));
      const attempts = stack.discord.requests.filter((request) => request.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(request.path));
      expect(attempts.map((request) => request.status)).toEqual([500, 429, 200]);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1_500);
      expect(stack.discord.webhookExecutions()).toHaveLength(1);
    });

    it('a webhook deleted under the bot is recreated and the reply is posted', async () => {
      stack = await FeelbotStack.start();
      const worker = await stack.spawn('worker');
      await stack.spawn('gateway');
      const first = stack.mention('I love you all so much');
      await worker.waitForLog(doneFor(first.id));
      const [before] = stack.discord.webhookExecutions();
      stack.discord.deleteWebhook(before!.webhookId);
      const second = stack.mention('I love this community');
      await worker.waitForLog(doneFor(second.id));
      const executions = stack.discord.webhookExecutions();
      expect(executions).toHaveLength(2);
      expect(executions[1]!.webhookId).not.toBe(before!.webhookId);
    });

    it('a malformed job fails once with a clear reason, without retries, and the worker keeps going', async () => {
      stack = await FeelbotStack.start();
      const worker = await stack.spawn('worker');
      await stack.spawn('gateway');
      const bad = await stack.replyQueue().add('reply', { hello: 'world' }, { attempts: 4, backoff: { type: 'fixed', delay: 100 } });
      await worker.waitForLog((line) => line.msg === 'job failed' && line.jobId === bad.id);
      const good = stack.mention('what a wonderful surprise!');
      await worker.waitForLog(doneFor(good.id));
      const failed = await stack.replyQueue().getJob(bad.id!);
      expect(await failed!.getState()).toBe('failed');
      expect(failed!.attemptsMade).toBe(1);
      expect(failed!.failedReason).toMatch(/JOB_INVALID: Malformed message job: .*channelId/);
      expect(stack.discord.webhookExecutions()).toHaveLength(1);
    });
  });
});
