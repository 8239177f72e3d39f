import { MessageFlags } from 'discord-api-types/v10';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { handleAnalysisJob, type AnalysisOutcome } from '../../../src/jobs/handle-analysis-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import { createJobWorker } from '../../../src/worker/job-worker.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { buildAnalysisJob, buildAnalysisJobDeps } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** InteractionResponseType.DeferredChannelMessageWithSource. */
const DEFERRED = 5;
/** Every edit a job could send: one per attempt plus the REST client's 3 retries, times the job's 4 attempts. */
const ANSWER_PATCHES = 4 * 4;

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a /feel whose answer Discord took, though it answered 502 (real BullMQ, the fake Discord)', () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  it('keeps the analysis the user already sees: the retry edits nothing, and no "the analysis failed" replaces it', async () => {
    const sent = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: DEFERRED, data: { flags: MessageFlags.Ephemeral } }),
    });
    expect(deferred.status).toBe(204);
    // Discord applies every edit of the answer, but its edge answers 502 (a gateway timeout behind Cloudflare).
    discord.failNext('PATCH /webhooks/:id/:token/messages/:messageId', Array.from({ length: ANSWER_PATCHES }, () => ({ status: 502, afterHandling: true })));

    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    cleanups.push(() => queue.close());
    const responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
    const deps = buildAnalysisJobDeps({ responder });
    // As start-worker wires it.
    const outcomes: AnalysisOutcome[] = [];
    const worker = createJobWorker(redis.connection.duplicate(), prefix, {
      analysis: async (data, _log, signal, run) => {
        const outcome = await handleAnalysisJob(data, deps, signal, run);
        outcomes.push(outcome);
        return outcome;
      },
    }, { concurrency: 1, lockDurationMs: 10_000, logger: createLogger('silent', 'test'), metrics: NO_METRICS, giveUp: giveUpHandlers(responder) });
    cleanups.push(() => worker.stop(1_000));

    const job = buildAnalysisJob({ interactionId: sent.id, applicationId: discord.applicationId, token: sent.token, channelId: discord.world.channels.text.id, userId: discord.world.users.member.id });
    const jobId = await queue.enqueueAnalysis(job);
    // Retried after 2, 4 and 8 s, a job that kept failing would be given up after about 15 s; a completed /feel is removed.
    await expect.poll(async () => (await (await queue.queue.getJob(jobId))?.getState()) ?? 'removed', { timeout: 30_000, interval: 200 }).toMatch(/^(removed|failed)$/);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const original = (await (await fetch(`${discord.apiUrl}/v10/webhooks/${discord.applicationId}/${sent.token}/messages/@original`)).json()) as { content: string; embeds: Array<{ title?: string }> };
    // The user has been shown "Core emotion: Joy" since the first attempt.
    expect(original.content).not.toMatch(/analysis failed/);
    expect(original.embeds[0]?.title).toMatch(/Core emotion: Joy/);
    // The first attempt's PATCH and the REST client's 3 retries of it; no later attempt edited again.
    expect(discord.requests.filter((request) => request.method === 'PATCH')).toHaveLength(4);
    expect(outcomes).toEqual([{ status: 'skipped', reason: 'answered-earlier' }]);
  }, 60_000);
});
