import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPLY_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { NO_METRICS } from '../../src/ports/metrics.js';
import { createJobWorker, type JobHandler } from '../../src/worker/job-worker.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** A stopping process must be gone well before main.ts's 30 s forced exit, which exits with 1. */
const EXIT_BUDGET_MS = 30_000;
/** On the slow model a reply this long takes a few seconds: well inside the worker's grace period. */
const SHORT_REPLY_TOKENS = 300;
/** The in-process worker's grace period: short, since its handler never finishes on its own. */
const GRACE_MS = 300;

/** Sends SIGTERM and resolves with the exit code and how long the process took to go. */
async function terminate(process: FeelbotProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const code = await process.stop('SIGTERM');
  return { code, ms: Date.now() - started };
}

const doneFor = (messageId: string) => (line: { msg?: string; jobId?: unknown }) =>
  line.msg === 'job done' && line.jobId === messageJobId(messageId);

describe('graceful shutdown of real worker and gateway processes', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('idle worker and gateway exit with code 0 soon after SIGTERM', async () => {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker');
    const gateway = await stack.spawn('gateway');
    const [workerExit, gatewayExit] = await Promise.all([terminate(worker), terminate(gateway)]);
    expect(workerExit.code).toBe(0);
    expect(gatewayExit.code).toBe(0);
    expect(workerExit.ms).toBeLessThan(EXIT_BUDGET_MS);
    expect(gatewayExit.ms).toBeLessThan(EXIT_BUDGET_MS);
    expect(worker.logs.some((line) => line.msg === 'stopping worker')).toBe(true);
    expect(gateway.logs.some((line) => line.msg === 'stopping gateway')).toBe(true);
  }, 120_000);

  it('SIGTERM on an idle worker while Redis is down: it exits 0 at once, not at the forced exit, and the outage is one warning, not an error per retry', async () => {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker');
    await stack.redis.crash();
    await worker.waitForLog((line) => line.msg === 'redis connection lost; reconnecting', 20_000);
    // Between two reconnect attempts, where BullMQ's close used to wait for good.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const exit = await terminate(worker);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(EXIT_BUDGET_MS);
    expect(worker.logs.find((line) => line.msg === 'the queue did not close cleanly')?.code).toBe('REDIS_UNAVAILABLE');
    // The outage was told once, by the connection; BullMQ's failed reconnects stay at debug level.
    expect(worker.logs.filter((line) => line.level === 'error').map((line) => line.msg)).toEqual([]);
    expect(worker.logs.some((line) => line.msg === 'worker connection error' && line.level === 'debug')).toBe(true);
  }, 120_000);

  it('SIGTERM on a gateway holding a message while Redis is down: it gives the message up with a code and exits 0, not at the forced exit', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    await stack.redis.crash();
    const message = stack.discord.sendMessage({
      channelId: stack.discord.world.channels.text.id,
      authorId: stack.discord.world.users.member.id,
      content: 'is anyone there? I feel so alone',
      mentionsBot: true,
    });
    // The gateway has received it, found Redis down and is waiting for it to come back.
    await gateway.waitForLog((line) => line.msg === 'redis down; retrying' && line.messageId === message.id, 20_000);
    const exit = await terminate(gateway);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(EXIT_BUDGET_MS);
    const givenUp = gateway.logs.find((line) => line.msg === 'could not queue message' && line.messageId === message.id);
    expect(givenUp?.code).toBe('REDIS_UNAVAILABLE');
  }, 120_000);

  it('SIGTERM on a gateway holding a message while Redis is down, Redis back during the drain: the message is queued with its conversation', async () => {
    stack = await FeelbotStack.start();
    const gateway = await stack.spawn('gateway');
    const channelId = stack.discord.world.channels.text.id;
    stack.discord.sendMessage({ channelId, authorId: stack.discord.world.users.member.id, content: 'my dog died yesterday' });
    await stack.redis.crash();
    const message = stack.mention('I still cannot stop crying');
    await gateway.waitForLog((line) => line.msg === 'redis down; retrying' && line.messageId === message.id, 20_000);
    const exiting = terminate(gateway);
    await gateway.waitForLog((line) => line.msg === 'stopping gateway');
    await stack.redis.revive();
    expect((await exiting).code).toBe(0);
    expect(gateway.logs.some((line) => line.msg === 'queued' && line.messageId === message.id)).toBe(true);
    const job = await stack.replyQueue().getJob(messageJobId(message.id));
    // Read over Discord's REST API during the drain: the conversation is still there.
    expect(job!.data.context.map((m: { content: string }) => m.content)).toContain('my dog died yesterday');
  }, 120_000);

  it('SIGTERM during a short generation: the reply is posted once before the worker exits with 0', async () => {
    stack = await FeelbotStack.start();
    const slow = { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(SHORT_REPLY_TOKENS) };
    const stopping = await stack.spawn('worker', slow);
    const gateway = await stack.spawn('gateway');
    const message = stack.mention('my exam went so badly, I feel awful');
    await stopping.waitForLog((line) => line.msg === 'prompt' && line.jobId === messageJobId(message.id));

    const exit = await terminate(stopping);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(EXIT_BUDGET_MS);
    expect(stopping.logs.find(doneFor(message.id))?.outcome).toMatchObject({ status: 'posted' });
    expect(stack.discord.webhookExecutions()).toHaveLength(1);

    const gatewayExit = await terminate(gateway);
    expect(gatewayExit.code).toBe(0);
    expect(gatewayExit.ms).toBeLessThan(EXIT_BUDGET_MS);
  }, 120_000);

  it('a second SIGTERM during the stop does not cut it short: the reply in flight is posted once and the worker exits with 0', async () => {
    stack = await FeelbotStack.start();
    const slow = { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(SHORT_REPLY_TOKENS) };
    const stopping = await stack.spawn('worker', slow);
    await stack.spawn('gateway');
    const message = stack.mention('my exam went so badly, I feel awful');
    await stopping.waitForLog((line) => line.msg === 'prompt' && line.jobId === messageJobId(message.id));

    const exited = terminate(stopping);
    await stopping.waitForLog((line) => line.msg === 'stopping worker');
    // An impatient operator, or a supervisor that signals every process of the group.
    process.kill(stopping.pid!, 'SIGTERM');
    const exit = await exited;

    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(EXIT_BUDGET_MS);
    expect(stopping.logs.find(doneFor(message.id))?.outcome).toMatchObject({ status: 'posted' });
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
    expect(stopping.logs.find((line) => line.msg === 'already stopping: a repeated signal is ignored')).toMatchObject({ signal: 'SIGTERM' });
  }, 120_000);

  it('SIGTERM with messages still queued: the one in flight is posted, the rest stay queued and the next worker answers each once', async () => {
    stack = await FeelbotStack.start();
    const slow = { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(SHORT_REPLY_TOKENS) };
    const stopping = await stack.spawn('worker', slow);
    await stack.spawn('gateway');
    const messages = [stack.mention('my exam went so badly, I feel awful'), stack.mention('I am scared of the storm'), stack.mention('we won the final!!!')];
    const ids = messages.map((message) => messageJobId(message.id));
    await stopping.waitForLog((line) => line.msg === 'prompt' && ids.includes(String(line.jobId)));

    const exit = await terminate(stopping);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(EXIT_BUDGET_MS);
    const answeredBefore = stopping.logs.filter((line) => line.msg === 'job done').map((line) => String(line.jobId));
    expect(answeredBefore.length).toBeGreaterThanOrEqual(1);
    expect(answeredBefore.length).toBeLessThan(messages.length);
    expect(stack.discord.webhookExecutions()).toHaveLength(answeredBefore.length);

    const next = await stack.spawn('worker');
    for (const id of ids.filter((id) => !answeredBefore.includes(id))) {
      await next.waitForLog((line) => line.msg === 'job done' && line.jobId === id, 60_000);
    }
    // Settled: every job has completed and none is left to run, so no later answer can come.
    const queue = stack.replyQueue();
    await expect.poll(async () => Promise.all(ids.map(async (id) => (await queue.getJob(id))?.getState())), { timeout: 10_000 }).toEqual(ids.map(() => 'completed'));
    const pending = await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'paused', 'waiting-children']);
    expect(pending.map((job) => job.id)).toEqual([]);
    expect(next.logs.filter((line) => line.msg === 'job done').map((line) => String(line.jobId)).sort()).toEqual(
      ids.filter((id) => !answeredBefore.includes(id)).sort(),
    );
    expect(stack.discord.webhookExecutions()).toHaveLength(messages.length);
  }, 180_000);
});

describe('SIGTERM on a worker after its models loaded, while it still asks Discord for its application id (docker stop during a slow start)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it.each(['worker', 'start'] as const)('`feelbot %s` exits 0 soon after the signal, leaving the queued job for the next worker, not active in Redis until its lock expires', async (command) => {
    stack = await FeelbotStack.start();
    await stack.spawn('gateway', { BURST_WINDOW_MS: '250' });
    const message = stack.mention('my exam went so badly, I feel awful');
    const queue = stack.replyQueue();
    const jobId = messageJobId(message.id);
    // Held back by the burst window until a worker promotes it.
    await expect.poll(async () => (await queue.getJob(jobId))?.getState(), { timeout: 20_000 }).toBe('delayed');

    // Discord is slow to answer the worker's start-up question (an outage, a long 429)...
    const discord = stack.discord;
    const release = discord.holdNext('GET /applications/@me');
    const slow = { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(1_000), HTTP_PORT: '0' };
    const starting = new FeelbotProcess([command], stack.env(slow));
    stack.processes.push(starting);
    await discord.waitFor(() => discord.requests.some((request) => request.path === '/applications/@me' && request.status === 0), { timeoutMs: 60_000 });

    // ...and the operator stops it meanwhile; then Discord answers.
    const started = Date.now();
    const exiting = starting.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const code = await exiting;
    expect({ code, withinBudget: Date.now() - started < EXIT_BUDGET_MS }).toEqual({ code: 0, withinBudget: true });
    expect(starting.logs.filter((line) => line.msg === 'worker ready' || line.jobId === jobId)).toEqual([]);
    // A stopped start-up takes no job it would then abandon: the job still waits for the next worker, with no attempt used.
    const job = await queue.getJob(jobId);
    expect({ state: await job!.getState(), attemptsMade: job!.attemptsMade }).toEqual({ state: expect.stringMatching(/^(waiting|delayed)$/), attemptsMade: 0 });
  }, 120_000);
});

describe('the job worker stopping with a job still running after its grace period (in-process, real BullMQ)', () => {
  let redis: PrivateRedis | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('aborts the job and puts it back to waiting without using an attempt; the next worker answers it once', async () => {
    redis = await startPrivateRedis();
    const prefix = `{stop-${randomUUID().slice(0, 8)}}`;
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(REPLY_QUEUE, { connection, prefix });
    const options = { concurrency: 1, lockDurationMs: 4_000, logger: createLogger('silent', 'test'), metrics: NO_METRICS };
    try {
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const endless: JobHandler = (_data, _log, signal) =>
        new Promise((_resolve, reject) => {
          started();
          // As a real handler's wait ends: with the abort's reason. A failure of anything else is not a cut (failure-after-shutdown-grace).
          signal.addEventListener('abort', () => reject(signal.reason));
        });
      const first = createJobWorker(connection.duplicate(), prefix, { reply: endless }, options);
      const job = await queue.add('reply', { guildId: '1' }, { attempts: 4, backoff: { type: 'fixed', delay: 60_000 } });
      await running;
      await first.stop(GRACE_MS);

      const returned = await queue.getJob(job.id!);
      expect(await returned!.getState()).toBe('waiting');
      expect(returned!.attemptsMade).toBe(0);

      const answered: unknown[] = [];
      const second = createJobWorker(connection.duplicate(), prefix, { reply: async (data) => (answered.push(data), { status: 'posted' }) }, options);
      await vi.waitFor(async () => expect(await (await queue.getJob(job.id!))!.getState()).toBe('completed'), { timeout: 10_000 });
      await second.stop(GRACE_MS);
      expect(answered).toEqual([{ guildId: '1' }]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
