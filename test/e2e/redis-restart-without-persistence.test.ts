import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';
import type { LogLine } from '../support/feelbot-process.js';

// A managed Redis may run without AOF unnoticed; an async replica's failover loses data the same way.
const dataLost = (line: LogLine) => line.code === 'REDIS_DATA_LOST';
const doneFor = (messageId: string) => (line: LogLine) => line.msg === 'job done' && line.jobId === messageJobId(messageId);

let stack: FeelbotStack | undefined;
afterEach(async (context) => {
  await stack?.stop(context);
  stack = undefined;
});

describe('Redis restarts without its data (no AOF) between the gateway queuing a message and a worker taking it', () => {
  it('the gateway logs REDIS_DATA_LOST at error, saying queued messages are lost and to enable AOF; later messages are answered', async () => {
    stack = await FeelbotStack.start({ appendOnly: false });
    const gateway = await stack.spawn('gateway');
    const lost = stack.mention('my exam went so badly, I feel awful');
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === lost.id, 30_000);

    await stack.redis.restart();
    const told = await gateway.waitForLog(dataLost, 30_000);
    expect(told).toMatchObject({ level: 'error', connection: 'feelbot-gateway' });
    expect(told.msg).toMatch(/without its data.*queued before are lost.*appendonly yes/);

    const worker = await stack.spawn('worker');
    const control = stack.mention('I finally got the job, I am so happy!');
    await worker.waitForLog(doneFor(control.id), 90_000);
    expect(stack.discord.webhookExecutions()).toHaveLength(1);
    // Told once by the process that saw it, not once per reconnect attempt or per later check.
    expect(gateway.logs.filter(dataLost)).toHaveLength(1);
  }, 180_000);
});

describe('Redis restarts without its data (no AOF) while the only worker writes the reply', () => {
  it('the worker logs REDIS_DATA_LOST at error for the job, posts nothing, and never says another worker finishes it', async () => {
    stack = await FeelbotStack.start({ appendOnly: false });
    const worker = await stack.spawn('worker', { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(1_000) });
    await stack.spawn('gateway');
    const message = stack.mention('my exam went so badly, I feel awful');
    const jobId = messageJobId(message.id);
    await worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId, 60_000);

    await stack.redis.restart();
    const told = await worker.waitForLog((line) => line.jobId === jobId && line.level !== 'debug' && typeof line.code === 'string', 60_000);
    expect({ level: told.level, code: told.code }).toEqual({ level: 'error', code: 'REDIS_DATA_LOST' });
    expect(told.msg).toMatch(/vanished from Redis.*not answered/);

    const jobLines = worker.logs.filter((line) => line.jobId === jobId);
    expect(jobLines.filter((line) => /worker holding the job now finishes it/.test(String(line.msg)))).toEqual([]);
    expect(jobLines.filter((line) => line.code === 'JOB_LOST')).toEqual([]);
    expect(stack.discord.webhookExecutions()).toHaveLength(0);
  }, 180_000);
});

describe('a gateway started on a Redis without AOF', () => {
  it('warns once at start-up with REDIS_NOT_PERSISTENT that a Redis restart would lose queued messages', async () => {
    stack = await FeelbotStack.start({ appendOnly: false });
    const gateway = await stack.spawn('gateway');
    const warning = await gateway.waitForLog((line) => line.code === 'REDIS_NOT_PERSISTENT', 10_000);
    expect(warning.level).toBe('warn');
    expect(warning.msg).toMatch(/appendonly/);
  }, 60_000);

  it('says nothing of it on a Redis with AOF on', async () => {
    stack = await FeelbotStack.start({ appendOnly: true });
    const gateway = await stack.spawn('gateway');
    const message = stack.mention('I finally got the job, I am so happy!');
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === message.id, 30_000);
    expect(gateway.logs.filter((line) => line.code === 'REDIS_NOT_PERSISTENT' || line.code === 'REDIS_DATA_LOST')).toEqual([]);
  }, 60_000);
});
