import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/** Well under compose's 20 s stop_grace_period, and main.ts's 30 s forced exit (code 1) that would cut the gateway's and worker's stop off. */
const STOP_BUDGET_MS = 15_000;

describe('SIGTERM on `feelbot start` with an HTTP client still sending its request and a /feel in the gateway\'s hand', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('the connection does not hold the stop up: the /feel is queued or answered, and the process exits 0 in seconds', async () => {
    stack = await FeelbotStack.start();
    const start = new FeelbotProcess(['start'], stack.env({ HTTP_PORT: '0' }));
    stack.processes.push(start);
    const listening = await start.waitForLog((line) => line.msg === 'http listening', 120_000);
    const port = (listening.address as { port: number }[])[0]!.port;
    await start.waitForLog((line) => line.msg === 'gateway ready', 120_000);

    // A slow uploader: headers sent, the body trickling in, never idle for the 30 s idle timeout.
    const upload = connect(port, '127.0.0.1');
    upload.on('error', () => undefined);
    await new Promise<void>((resolve) => upload.once('connect', () => resolve()));
    upload.write('POST /v1/emotion HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"te');
    const trickle = setInterval(() => upload.writable && upload.write(' '), 1_000);
    try {
      const discord = stack.discord;
      // The /feel's deferral is on its way to Discord when the stop signal comes.
      const release = discord.holdNext('POST /interactions/:id/:token/callback');
      const sent = stack.feel('I finally got the job, I am so happy!');
      await discord.waitFor(() => discord.requests.some((request) => request.path.startsWith(`/interactions/${sent.id}/`)), { timeoutMs: 10_000 });
      const signalled = Date.now();
      const exiting = start.stop('SIGTERM');
      await start.waitForLog((line) => line.msg === 'stopping', 5_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      const code = await exiting;
      const ms = Date.now() - signalled;
      expect({ code, withinBudget: ms < STOP_BUDGET_MS }, `exit ${code} after ${ms} ms`).toEqual({ code: 0, withinBudget: true });
      const job = await stack.replyQueue().getJob(analysisJobId(sent.id));
      const answered = start.logs.some((line) => line.msg === 'job done' && line.jobId === analysisJobId(sent.id));
      expect(job !== undefined || answered, 'the /feel in hand is queued for a worker, or answered').toBe(true);
      expect(start.logs.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      clearInterval(trickle);
      upload.destroy();
    }
  }, 180_000);
});
