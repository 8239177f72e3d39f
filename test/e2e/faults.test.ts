import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';

const doneFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) =>
  line.msg === 'job done' && line.jobId === messageJobId(messageId);
const withdrew = (messageId: string) => (line: { msg?: string; messageIds?: unknown }) =>
  line.msg === 'withdrew replies to deleted messages' && Array.isArray(line.messageIds) && line.messageIds.includes(messageId);

/** The gateway's debug line each time a message, or a deletion, finds Redis down and waits to try again. */
const retryingFor = (messageId: string) => (line: { msg?: string; messageId?: unknown }) => line.msg === 'redis down; retrying' && line.messageId === messageId;
const retryingDeletionOf = (messageId: string) => (line: { msg?: string; messageIds?: unknown }) =>
  line.msg === 'redis down; retrying' && Array.isArray(line.messageIds) && line.messageIds.includes(messageId);

const EPHEMERAL = 64;
/** Interaction callback types: a message at once, or "thinking…" to be edited later. */
const CHANNEL_MESSAGE = 4;
const DEFERRED = 5;

describe('faults, on real processes and a real Redis', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
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

  it('Discord posts a reply and then answers 502: the retry finds the post, and the reply appears once', async () => {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker');
    await stack.spawn('gateway');
    stack.discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    const message = stack.mention('I finally got the job, I am so happy!');
    const done = await worker.waitForLog(doneFor(message.id), 90_000);
    expect(done.outcome).toEqual({ status: 'skipped', reason: 'already-answered' });
    expect(worker.logs.some((line) => line.msg === 'job failed' && line.jobId === messageJobId(message.id) && line.code === 'DISCORD_REQUEST_FAILED')).toBe(true);
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
    expect(stack.discord.channelMessages(message.channel_id).filter((posted) => posted.webhook_id)).toHaveLength(1);
  }, 120_000);

  it('Redis restarted (AOF) in the middle of a stream of messages: none is lost, none is answered twice', async () => {
    stack = await FeelbotStack.start({ appendOnly: true });
    const worker = await stack.spawn('worker');
    const gateway = await stack.spawn('gateway');
    const channels = [stack.discord.world.channels.text.id, stack.discord.world.channels.categorized.id];
    const sent = [];
    for (let i = 0; i < 6; i++) sent.push(stack.mention(`message ${i}: I am thrilled about the trip!`, channels[i % 2]));
    await worker.waitForLog(doneFor(sent[1]!.id), 60_000);
    await stack.redis.crash();
    // These arrive while Redis is down: the gateway must hold them until it is back.
    for (let i = 6; i < 9; i++) sent.push(stack.mention(`message ${i}: this is so unfair, I am furious`, channels[i % 2]));
    for (const held of sent.slice(6)) await gateway.waitForLog((line) => line.msg === 'redis down; retrying' && line.messageId === held.id, 20_000);
    await stack.redis.revive();
    for (let i = 9; i < 12; i++) sent.push(stack.mention(`message ${i}: I am scared of the storm`, channels[i % 2]));

    for (const message of sent) await worker.waitForLog(doneFor(message.id), 90_000);
    // Nothing left that could still post a second answer.
    const replies = stack.replyQueue();
    const pending = async () => Object.values(await replies.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).reduce((a, b) => a + b, 0);
    await expect.poll(pending, { timeout: 30_000 }).toBe(0);
    const outcomes = sent.map((message) => worker.logs.filter(doneFor(message.id)).map((line) => (line.outcome as { status: string }).status));
    expect(outcomes.every((statuses) => statuses.filter((status) => status === 'posted').length === 1)).toBe(true);
    expect(stack.discord.webhookExecutions()).toHaveLength(sent.length);
  }, 180_000);

  it('a message sent and deleted while Redis is down is not answered once Redis is back', async () => {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker');
    const gateway = await stack.spawn('gateway');
    await stack.redis.crash();
    const regretted = stack.mention('I am so angry at all of you, you are all idiots');
    stack.discord.deleteMessage(regretted.channel_id, regretted.id);
    // Both events must reach the gateway, and wait for Redis, while it is still down.
    await gateway.waitForLog(retryingFor(regretted.id), 30_000);
    await gateway.waitForLog(retryingDeletionOf(regretted.id), 30_000);
    await stack.redis.revive();
    // The worker's own connection says it is back (and, in a failure's output, when).
    await worker.waitForLog((line) => line.msg === 'redis connection back', 60_000);

    const control = stack.mention('what a wonderful surprise!');
    // Queued by the gateway, then answered by the worker: a failure says which side stalled.
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === control.id, 60_000);
    await worker.waitForLog(doneFor(control.id), 90_000);
    // Withdrawn before a worker saw it, or seen by a worker as deleted: either way never posted.
    const settled = () => worker.logs.some(doneFor(regretted.id)) || gateway.logs.some(withdrew(regretted.id));
    await expect.poll(settled, { timeout: 90_000, interval: 100 }).toBe(true);
    const outcomes = worker.logs.filter(doneFor(regretted.id)).map((line) => line.outcome);
    expect(outcomes.every((outcome) => (outcome as { reason?: string }).reason === 'deleted')).toBe(true);
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
  }, 180_000);

  it('SIGTERM on a gateway holding a deletion while Redis is down: it gives the deletion up with a code and exits 0', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    await stack.redis.crash();
    const regretted = stack.mention('I should not have said that');
    stack.discord.deleteMessage(regretted.channel_id, regretted.id);
    // The gateway has received the deletion, tried Redis and is waiting for it to come back.
    await gateway.waitForLog(retryingDeletionOf(regretted.id), 30_000);
    expect(await gateway.stop('SIGTERM')).toBe(0);
    const givenUp = gateway.logs.find(
      (line) => line.msg === 'could not record deleted messages' && Array.isArray(line.messageIds) && line.messageIds.includes(regretted.id),
    );
    expect(givenUp?.code).toBe('REDIS_UNAVAILABLE');
  }, 120_000);

  it('/feel while Redis is down gets a private "briefly unavailable", logged as REDIS_UNAVAILABLE', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    await stack.redis.crash();
    const { discord } = stack;
    const interaction = stack.feel('I am so happy today');
    const failed = await gateway.waitForLog((line) => line.msg === 'interaction failed' && line.interactionId === interaction.id, 10_000);
    expect(failed.code).toBe('REDIS_UNAVAILABLE');
    const [answer] = await discord.waitFor(() => discord.interactionResponses(interaction.id).length > 0 && discord.interactionResponses(interaction.id), { timeoutMs: 10_000 });
    expect(answer!.callbackType).toBe(CHANNEL_MESSAGE);
    const data = (answer!.body.data ?? {}) as { flags?: number; content?: string };
    expect((data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(data.content).toMatch(/briefly unavailable.*try again in a minute/);
  });

  it('a public /feel that fails after its public "thinking…" is told privately, and the public placeholder goes', async () => {
    stack = await FeelbotStack.start();
    // A Redis user that may claim the prefix, read settings and count analyses but not touch the
    // queue: the gateway defers publicly, then fails to queue the analysis.
    const password = 'queue-refused-pass';
    await stack.redisConnection().call('ACL', 'SETUSER', 'noqueue', 'on', `>${password}`, `~${stack.prefix}:application`, `~${stack.prefix}:analysis:*`, `~${stack.prefix}:settings:*`, '+@all');
    const gateway = await stack.spawn('gateway', { REDIS_URL: stack.redis.url.replace('redis://', `redis://noqueue:${password}@`) });
    const { discord } = stack;
    const interaction = stack.feel('I am so happy today', { public: true });
    await gateway.waitForLog((line) => line.msg === 'interaction failed' && line.interactionId === interaction.id, 10_000);
    const responses = await discord.waitFor(() => discord.interactionResponses(interaction.id).some((r) => r.kind === 'deleteOriginal') && discord.interactionResponses(interaction.id), { timeoutMs: 10_000 });
    // Discord reads a first follow-up to a deferral as its answer, public like it: the edit resolves it first.
    expect(responses.map((r) => r.kind)).toEqual(['callback', 'editOriginal', 'followup', 'deleteOriginal']);
    expect(responses[0]!.callbackType).toBe(DEFERRED);
    expect(((responses[0]!.body.data ?? {}) as { flags?: number }).flags ?? 0).toBe(0);
    const followup = responses[2]!.body as { flags?: number; content?: string };
    expect((followup.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(followup.content).toMatch(/went wrong/);
    // What the channel shows: the asker's private notice, and no public trace of the failure.
    const shown = discord.channelMessages(discord.world.channels.text.id).filter((message) => message.application_id === discord.applicationId);
    expect(shown.map((message) => [message.content, (message.flags ?? 0) & EPHEMERAL])).toEqual([[followup.content, EPHEMERAL]]);
  });

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
      const replies = stack.replyQueue();
      await expect.poll(() => replies.getJobState(bad.id!), { timeout: 10_000 }).toBe('failed');
      const failed = await replies.getJob(bad.id!);
      expect(failed!.attemptsMade).toBe(1);
      expect(failed!.failedReason).toMatch(/JOB_INVALID: Malformed message job: .*channelId/);
      expect(stack.discord.webhookExecutions()).toHaveLength(1);
    });
  });
});
