import { MessageFlags } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { ErrorCodes, FeelbotError, errorCodeOf } from '../../../src/errors.js';
import type { AnalysisJob } from '../../../src/jobs/analysis-job.js';
import { answerFailedAnalysis } from '../../../src/jobs/answer-failed-analysis.js';
import { handleAnalysisJob, type AnalysisJobDeps } from '../../../src/jobs/handle-analysis-job.js';
import { isInteractionTokenExpired } from '../../../src/ports/interaction-responder.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { buildAnalysisJob, buildAnalysisJobDeps } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';

/** InteractionResponseType.DeferredChannelMessageWithSource. */
const DEFERRED = 5;
/** The interaction token's 15 minutes. */
const TOKEN_MS = 15 * 60_000;
/** A job received this long ago has too little of its token left to be answered, but enough to be told so. */
const LATE_AGE_MS = TOKEN_MS - 30_000;
/** Discord's 15 minutes, shortened for a token that dies during the test. */
const SHORT_TOKEN_MS = 300;

/** Longer than the 10 s a worker waits out (MAX_RATE_LIMIT_WAIT_MS): the request fails without being sent. */
const LONG_RATE_LIMIT_S = 30;
/** What the asker of a /feel failed by classifierFailed() is told. */
const FAILED_NOTICE = 'Sorry, the analysis failed (CLASSIFIER_FAILED). Please try again in a moment.';

const classifierFailed = () => new FeelbotError(ErrorCodes.ClassifierFailed, 'The classifier returned no analysis for one input.');

/** A /feel the gateway deferred publicly (its member asked for public:true), and the job it queued for it. */
async function publicFeel(discord: FakeDiscord, job: Partial<AnalysisJob> = {}) {
  const channelId = discord.world.channels.text.id;
  const sent = discord.sendInteraction({ channelId, userId: discord.world.users.member.id, commandName: 'feel' });
  const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: DEFERRED, data: {} }),
  });
  expect(deferred.status).toBe(204);
  return {
    sent,
    channelId,
    job: buildAnalysisJob({ interactionId: sent.id, applicationId: discord.applicationId, token: sent.token, channelId, deferredPublicly: true, ...job }),
  };
}

/** What the channel shows of the bot's interaction messages: content and whether only the asker sees it. */
function shownIn(discord: FakeDiscord, channelId: string) {
  return discord
    .channelMessages(channelId)
    .filter((message) => message.application_id === discord.applicationId)
    .map((message) => ({ content: message.content, ephemeral: (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 }));
}

/** A late /feel is told so before anything is classified or generated: these parts must not be reached. */
function lateNoticeDeps(responder: InteractionWebhookResponder): AnalysisJobDeps {
  const unreachable = async (): Promise<never> => expect.fail('a late /feel was worked on');
  return buildAnalysisJobDeps({
    classifier: { classify: unreachable, dispose: async () => undefined },
    generator: { parallelism: 1, generate: unreachable, dispose: async () => undefined },
    responder,
    renderChart: () => expect.fail('a late /feel was drawn'),
    avatarImage: unreachable,
  });
}

describe('a public /feel (public:true) whose analysis fails is told so privately', () => {
  let discord: FakeDiscord;
  let responder: InteractionWebhookResponder;

  // A Discord of its own per test, so that a channel shows only that test's messages.
  beforeEach(async () => {
    discord = await startFakeDiscord();
    responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
  });

  afterEach(async () => {
    await discord.close();
  });

  it('a failure for good tells its asker "the analysis failed (CODE)" in a message only they see, and the public "thinking…" goes', async () => {
    const { sent, channelId, job } = await publicFeel(discord);

    await answerFailedAnalysis(job, classifierFailed(), responder, capturedLogger().logger);

    // Discord reads a first follow-up to a deferral as its answer, public like it: an edit resolves the deferral first.
    expect(discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal', 'followup', 'deleteOriginal']);
    expect(shownIn(discord, channelId)).toEqual([
      { content: 'Sorry, the analysis failed (CLASSIFIER_FAILED). Please try again in a moment.', ephemeral: true },
    ]);
  });

  it('a /feel that waited too long in the queue is told so in a message only its asker sees, and the public "thinking…" goes', async () => {
    const { sent, channelId, job } = await publicFeel(discord, { receivedAt: Date.now() - LATE_AGE_MS });

    expect(await handleAnalysisJob(job, lateNoticeDeps(responder))).toEqual({ status: 'skipped', reason: 'interaction-expired' });

    expect(discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal', 'followup', 'deleteOriginal']);
    expect(shownIn(discord, channelId)).toEqual([
      { content: 'Sorry, this analysis waited too long to be answered. Please try again.', ephemeral: true },
    ]);
  });

  it('a refused token ends the notice at the first refusal: no follow-up or delete is sent with it', async () => {
    const { sent, job } = await publicFeel(discord);
    // Discord's clock says the token died between the read of the answer and its edit.
    discord.failNext('PATCH /webhooks/:id/:token/messages/:messageId', [{ status: 401, code: 50027, message: 'Invalid Webhook Token' }]);
    const since = discord.requests.length;

    const thrown = await answerFailedAnalysis(job, classifierFailed(), responder, capturedLogger().logger).catch((error: unknown) => error);

    expect(isInteractionTokenExpired(thrown)).toBe(true);
    expect(discord.requests.slice(since).map((request) => `${request.method} ${request.status}`)).toEqual(['GET 200', 'PATCH 401']);
    expect(discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback']);
  });

  it('a private notice Discord posts and then answers 502 for is not posted again: its asker sees it once', async () => {
    const { channelId, job } = await publicFeel(discord);
    discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
    const since = discord.requests.length;

    const thrown = await answerFailedAnalysis(job, classifierFailed(), responder, capturedLogger().logger).catch((error: unknown) => error);

    expect(errorCodeOf(thrown)).toBe(ErrorCodes.DiscordRequestFailed);
    expect(discord.requests.slice(since).filter((request) => request.method === 'POST').map((request) => request.status)).toEqual([502]);
    expect(shownIn(discord, channelId).filter((shown) => shown.ephemeral)).toEqual([{ content: FAILED_NOTICE, ephemeral: true }]);
  });

  it('a private notice that cannot be sent (a rate limit past 10 s) is told in the public "thinking…" instead of leaving a bare placeholder', async () => {
    const { channelId, job } = await publicFeel(discord);
    discord.failNext('POST /webhooks/:id/:token', [{ status: 429, retryAfter: LONG_RATE_LIMIT_S }]);

    const thrown = await answerFailedAnalysis(job, classifierFailed(), responder, capturedLogger().logger).catch((error: unknown) => error);

    // Still fails as the follow-up did, for the caller's log.
    expect(errorCodeOf(thrown)).toBe(ErrorCodes.DiscordRateLimited);
    expect(shownIn(discord, channelId)).toEqual([{ content: FAILED_NOTICE, ephemeral: false }]);
  });

  it('a private notice Discord refuses for a dead token is not tried again in public: nothing more is sent with that token', async () => {
    const { job } = await publicFeel(discord);
    discord.failNext('POST /webhooks/:id/:token', [{ status: 401, code: 50027, message: 'Invalid Webhook Token' }]);
    const since = discord.requests.length;

    const thrown = await answerFailedAnalysis(job, classifierFailed(), responder, capturedLogger().logger).catch((error: unknown) => error);

    expect(isInteractionTokenExpired(thrown)).toBe(true);
    expect(discord.requests.slice(since).map((request) => `${request.method} ${request.status}`)).toEqual(['GET 200', 'PATCH 200', 'POST 401']);
  });
});

describe('a public /feel told it came too late with a token Discord has already let die', () => {
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord({ interactionTokenMs: SHORT_TOKEN_MS });
  });

  afterAll(async () => {
    await discord.close();
  });

  it('gets one refused request, not a follow-up and a delete toward the invalid-request limit as well', async () => {
    const responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
    const { job } = await publicFeel(discord, { receivedAt: Date.now() - LATE_AGE_MS });
    await new Promise((resolve) => setTimeout(resolve, SHORT_TOKEN_MS + 100));
    const since = discord.requests.length;

    await handleAnalysisJob(job, lateNoticeDeps(responder));

    expect(discord.requests.slice(since).map((request) => `${request.method} ${request.status}`)).toEqual(['PATCH 401']);
  });
});
