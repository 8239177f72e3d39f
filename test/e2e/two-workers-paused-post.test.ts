import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { feelbotKey } from '../../src/adapters/redis/redis-connection.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

const doneFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) => line.msg === 'job done' && line.jobId === messageJobId(messageId);
/** The reply written (logged at debug), its post next: into the wait for the channel's webhook lock. */
const writtenFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) => line.msg === 'generated' && line.jobId === messageJobId(messageId);
/** Long enough after its reply is written for a worker to be waiting for the webhook lock inside its post. */
const INTO_THE_POST_MS = 1_000;

/**
 * A worker, A, with a reply inside its post: A wrote it and waits for the channel's webhook lock,
 * which "another worker" holds, before its send (so before it notes its attempt). A is then paused
 * (SIGSTOP); `release` frees the lock.
 */
async function workerPausedInsidePost(stack: FeelbotStack) {
  const redis = stack.redisConnection();
  const channelId = stack.discord.world.channels.text.id;
  const webhookLock = feelbotKey(stack.prefix, 'webhook-lock', channelId);
  await redis.set(webhookLock, 'another worker', 'PX', 120_000);
  const a = await stack.spawn('worker');
  await stack.spawn('gateway');
  const message = stack.mention('I finally got the job, I am so happy!');
  await a.waitForLog(writtenFor(message.id), 90_000);
  await new Promise((resolve) => setTimeout(resolve, INTO_THE_POST_MS));
  process.kill(a.pid!, 'SIGSTOP');
  return { channelId, a, message, release: () => redis.del(webhookLock) };
}

describe('two workers, one of them paused (docker pause, a VM stall, cut off from Redis) inside its post, before sending it', () => {
  let stack: FeelbotStack | undefined;
  let paused: FeelbotProcess | undefined;
  afterEach(async (context) => {
    if (paused?.pid) process.kill(paused.pid, 'SIGCONT');
    await stack?.stop(context);
    stack = undefined;
  });

  it('the job moves to the other worker, which posts the reply; the paused one, resumed, posts nothing and says once, at warn, that it lost the job', async () => {
    stack = await FeelbotStack.start();
    // Another worker is making this channel's first webhook just now: A waits for the lock with no request open.
    const { channelId, a, message, release } = await workerPausedInsidePost(stack);
    paused = a;

    // A's job lock (JOB_LOCK_MS=4000 in the stack) lapses; B takes the job and writes the reply again.
    const b = await stack.spawn('worker');
    await b.waitForLog(writtenFor(message.id), 90_000);
    await release();
    const done = await b.waitForLog(doneFor(message.id), 60_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    expect(stack.discord.webhookExecutions()).toHaveLength(1);

    // A resumes where it stopped.
    process.kill(a.pid!, 'SIGCONT');
    paused = undefined;
    const lost = await a.waitForLog((line) => line.jobId === messageJobId(message.id) && line.code === 'JOB_LOST', 30_000);
    expect(lost.level).toBe('warn');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const replies = stack.discord.channelMessages(channelId).filter((posted) => posted.webhook_id);
    expect(replies).toHaveLength(1);
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
    // Once, and nothing at error level: neither BullMQ's lapsed lock nor a give-up of the job.
    expect(a.logs.filter((line) => line.code === 'JOB_LOST')).toHaveLength(1);
    expect(a.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(a.logs.filter(doneFor(message.id))).toEqual([]);
  }, 240_000);

  it('control: the same pause with a single worker posts the reply once', async () => {
    stack = await FeelbotStack.start();
    const { channelId, a, message, release } = await workerPausedInsidePost(stack);
    paused = a;
    // As long as the two-worker case took to hand the job over and post it.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    await release();
    process.kill(a.pid!, 'SIGCONT');
    paused = undefined;
    const done = await a.waitForLog(doneFor(message.id), 60_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const replies = stack.discord.channelMessages(channelId).filter((posted) => posted.webhook_id);
    expect(replies).toHaveLength(1);
    expect(a.logs.filter((line) => line.level === 'error')).toEqual([]);
  }, 240_000);
});
