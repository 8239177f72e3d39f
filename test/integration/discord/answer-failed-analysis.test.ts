import { MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { answerFailedAnalysis } from '../../../src/jobs/answer-failed-analysis.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { buildAnalysisJob } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';

/** InteractionResponseType.DeferredChannelMessageWithSource. */
const DEFERRED = 5;
/** Discord's 15 minutes, shortened for a token that dies during the test. */
const SHORT_TOKEN_MS = 300;

const stalled = () => new FeelbotError(ErrorCodes.JobStalled, 'The job failed without running: job stalled more than allowable limit', { permanent: true });

/** A /feel the gateway has deferred ephemerally, as it does by default, and the job that answers it. */
async function deferredFeel(discord: FakeDiscord) {
  const sent = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
  const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: DEFERRED, data: { flags: MessageFlags.Ephemeral } }),
  });
  expect(deferred.status).toBe(204);
  return { sent, job: buildAnalysisJob({ interactionId: sent.id, applicationId: discord.applicationId, token: sent.token }) };
}

describe('giving up on a /feel (the give-up answer against the fake Discord)', () => {
  let discord: FakeDiscord;
  let responder: InteractionWebhookResponder;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
  });

  afterAll(async () => {
    await discord.close();
  });

  async function original(token: string) {
    const response = await fetch(`${discord.apiUrl}/v10/webhooks/${discord.applicationId}/${token}/messages/@original`);
    return (await response.json()) as { content: string; embeds: Array<{ title?: string }> };
  }

  it('keeps the answer the user already sees (a job that stalled after its edit landed), and tells a /feel still "thinking…" it failed', async () => {
    const answered = await deferredFeel(discord);
    await responder.editOriginal(discord.applicationId, answered.sent.token, { embeds: [{ title: '😄 Core emotion: Joy' }], files: [] });
    const { logger, lines } = capturedLogger();
    await answerFailedAnalysis(answered.job, stalled(), responder, logger);
    expect((await original(answered.sent.token)).embeds[0]?.title).toBe('😄 Core emotion: Joy');
    expect(discord.interactionResponses(answered.sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal']);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', code: 'JOB_STALLED', msg: 'the failed /feel keeps the answer an earlier attempt gave' }));

    const thinking = await deferredFeel(discord);
    await answerFailedAnalysis(thinking.job, stalled(), responder, logger);
    expect((await original(thinking.sent.token)).content).toBe('Sorry, the analysis failed (JOB_STALLED). Please try again in a moment.');
  });

  it('sends nothing for a job past its 15 minutes: Discord would refuse the token', async () => {
    const { sent, job } = await deferredFeel(discord);
    const since = discord.requests.length;
    const { logger, lines } = capturedLogger();
    const lateJob = { ...job, receivedAt: Date.now() - 16 * 60_000 };
    await answerFailedAnalysis(lateJob, new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the answer: HTTP 502.'), responder, logger);
    expect(discord.requests.slice(since)).toEqual([]);
    expect(discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback']);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'the failed /feel cannot be answered: its interaction token has expired' }));
  });
});

describe('giving up on a /feel whose answer Discord refused for an expired token', () => {
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord({ interactionTokenMs: SHORT_TOKEN_MS });
  });

  afterAll(async () => {
    await discord.close();
  });

  it('sends the dead token to Discord no more: one 401 is all it gets, not a second toward its invalid-request limit', async () => {
    const responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
    // The gateway's clock says the token has minutes left; Discord's says it is gone.
    const { job } = await deferredFeel(discord);
    await new Promise((resolve) => setTimeout(resolve, SHORT_TOKEN_MS + 100));
    const refused = await responder.editOriginal(job.applicationId, job.token, { embeds: [{ title: '😄 Core emotion: Joy' }], files: [] }).catch((e: unknown) => e);
    expect(discord.requests.map((request) => request.status)).toContain(401);
    const since = discord.requests.length;
    await answerFailedAnalysis(job, refused, responder, capturedLogger().logger);
    expect(discord.requests.slice(since)).toEqual([]);
  });
});
