import { afterEach, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import type { RequestSummary } from '../fakes/fake-discord/faults.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/** How long after the worker gave up on the post (its REST client waits 15 s) Discord creates it: slow, not down. */
const LANDS_AFTER_GIVING_UP_MS = 5_000;

/**
 * A webhook post Discord answers after the worker's REST timeout and creates a little later. The
 * first attempt's end is waited for by its code (the job is retried or delayed, either way with
 * DISCORD_REQUEST_FAILED logged), and the reply must appear once however late the post lands.
 */
describe('a reply post that times out and lands after the worker gave up on it', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  async function timedOutPost() {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker');
    await stack.spawn('gateway');
    const releasePost = stack.discord.holdNext('POST /webhooks/:id/:token');
    const message = stack.mention('I finally got the job, I am so happy!');
    const jobId = messageJobId(message.id);
    await worker.waitForLog((line) => line.jobId === jobId && line.code === 'DISCORD_REQUEST_FAILED', 60_000);
    const failedAt = stack.discord.requests.length;
    const webhookPosts = () => stack!.discord.channelMessages(message.channel_id).filter((posted) => posted.webhook_id);
    const done = () => worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, 120_000);
    // Reads of the history from a time on (`after`), as looking for an earlier post makes them, since the first attempt failed.
    const looksForThePost = () =>
      stack!.discord.requests.slice(failedAt).filter((request) => request.method === 'GET' && request.path === `/channels/${message.channel_id}/messages` && 'after' in request.query);
    return { discord: stack.discord, message, releasePost, webhookPosts, done, looksForThePost };
  }

  it('lands a few seconds after the timeout: the retry finds it and posts nothing', async () => {
    const { releasePost, webhookPosts, done, looksForThePost } = await timedOutPost();
    expect(webhookPosts()).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, LANDS_AFTER_GIVING_UP_MS));
    releasePost();
    const landedAt = Date.now();
    const { outcome } = await done();
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'already-answered' });
    expect(webhookPosts()).toHaveLength(1);
    // The retry waited for a slow post to land before it read the history for it.
    const looks = looksForThePost();
    expect(looks.length).toBeGreaterThan(0);
    expect(looks.every((look) => look.at >= landedAt)).toBe(true);
  }, 180_000);

  it("lands just after the retry's first look at the history: the look again before the send finds it and posts nothing", async () => {
    const { discord, message, releasePost, webhookPosts, done } = await timedOutPost();
    const isHistory = (request: RequestSummary) => request.method === 'GET' && request.path === `/channels/${message.channel_id}/messages`;
    const releaseLook = discord.holdNext(isHistory);
    await discord.waitFor(() => discord.requests.some((request) => isHistory(request) && request.status === 0), { timeoutMs: 90_000 });
    // The held look is answered first, without the post; the post is created right after, before the worker reads that answer.
    releaseLook();
    releasePost();
    const { outcome } = await done();
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'already-answered' });
    expect(webhookPosts()).toHaveLength(1);
  }, 180_000);
});
