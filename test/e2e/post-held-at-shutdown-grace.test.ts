import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';

/** A webhook execute, the reply's post. */
const WEBHOOK_POST = /^\/webhooks\/\d+\/[^/]+$/;

describe('a worker stopped while it writes a reply Discord is slow to take (real worker)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('stops within its grace without blaming Redis, and leaves the job in the queue, not active for the stalled-job check', async () => {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker', { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(1024), LLM_SEQUENCES: '1' });
    await stack.spawn('gateway');
    const discord = stack.discord;
    // Discord never answers the post: the client gives up on it only after its REST timeout.
    discord.holdNext('POST /webhooks/:id/:token');
    const mention = stack.mention('my exam went so badly, I feel awful');
    const jobId = messageJobId(mention.id);
    await worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId);
    const stoppedAt = Date.now();
    const code = await worker.stop('SIGTERM');
    const stopMs = Date.now() - stoppedAt;
    const posts = discord.requests.filter((request) => request.method === 'POST' && WEBHOOK_POST.test(request.path));
    const job = await stack.replyQueue().getJob(jobId);
    const state = `${await job?.getState()}/${job?.attemptsMade}`;
    const notable = worker.logs
      .filter((line) => ['warn', 'error', 'fatal'].includes(String(line.level)) || (line.jobId === jobId && line.msg !== 'prompt'))
      .map((line) => `${line.level} ${line.code ?? ''} ${line.msg}`);
    console.log('RESULT', JSON.stringify({ code, stopMs, posts: posts.length, state, notable }, null, 1));

    expect(code).toBe(0);
    expect(worker.logs.filter((line) => line.code === 'REDIS_UNAVAILABLE').map((line) => line.msg)).toEqual([]);
    expect(state).not.toMatch(/^active\//);
    // A reply written too late to be posted before the stop gives up is not sent: the job waits (by its priority) for the next worker, no attempt used.
    if (posts.length === 0) expect(state).toMatch(/^(waiting|prioritized)\/0$/);
  }, 150_000);
});
