import { MessageFlags } from 'discord-api-types/v10';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { RedisPrivateFollowUps } from '../../../src/adapters/redis/redis-private-follow-ups.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { UNREADABLE_TEXT_ANALYSIS } from '../../../src/domain/unreadable-text.js';
import type { GuildSettings } from '../../../src/domain/guild-settings.js';
import type { AnalysisJob } from '../../../src/jobs/analysis-job.js';
import { handleAnalysisJob, type AnalysisJobDeps } from '../../../src/jobs/handle-analysis-job.js';
import type { EmotionAnalysis } from '../../../src/ports/emotion-classifier.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { buildAnalysis, buildAnalysisJob, buildAnalysisJobDeps } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { closedPort } from '../../support/closed-port.js';

/**
 * README: "Changes apply at once, also to replies already being written", and "a public /feel in
 * a channel set to off is answered privately". A /feel's answer can take minutes (the persona's
 * line), so the worker answers as the server's settings read when it answers, not as they read
 * when it began. Settings in a real Redis, the answer through the real responder to the fake Discord.
 */
const redis = usePrivateRedis();

/** InteractionResponseType.DeferredChannelMessageWithSource. */
const DEFERRED = 5;
const LINE = 'Yay, this is the best day ever!';

let discord: FakeDiscord;
let responder: InteractionWebhookResponder;
let settings: RedisSettingsStore;
let followUps: RedisPrivateFollowUps;

// A Discord of its own per test, so that a channel shows only that test's messages.
beforeEach(async () => {
  discord = await startFakeDiscord();
  const prefix = `{feel-settings-${randomUUID().slice(0, 8)}}`;
  settings = new RedisSettingsStore(redis.connection, prefix);
  // As the worker wires it: a retry, on any worker, reads how far an earlier run's private card got.
  followUps = new RedisPrivateFollowUps(redis.connection, prefix);
  responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token), { followUps });
});

afterEach(async () => {
  await discord.close();
});

/** A member's /feel in `channelId`, deferred publicly or privately as the gateway chose, and the job it queued. */
async function deferredFeel(where: { channelId: string; isPublic: boolean }, job: Partial<AnalysisJob> = {}) {
  const sent = discord.sendInteraction({ channelId: where.channelId, userId: discord.world.users.member.id, commandName: 'feel' });
  const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: DEFERRED, data: where.isPublic ? {} : { flags: MessageFlags.Ephemeral } }),
  });
  expect(deferred.status).toBe(204);
  return {
    sent,
    job: buildAnalysisJob({
      interactionId: sent.id,
      applicationId: discord.applicationId,
      token: sent.token,
      guildId: discord.world.guild.id,
      channelId: where.channelId,
      userId: discord.world.users.member.id,
      deferredPublicly: where.isPublic,
      ...job,
    }),
  };
}

/** An admin's change to the server's settings, as /feelbot makes it. */
async function adminChanges(change: (current: GuildSettings) => GuildSettings): Promise<void> {
  await settings.update(discord.world.guild.id, change);
}

/** The worker's parts: every text read as joy; `whileWriting` runs while the persona's line is generated. */
function workerDeps(whileWriting: () => Promise<void> = async () => undefined, analysis: EmotionAnalysis = buildAnalysis()): AnalysisJobDeps {
  return buildAnalysisJobDeps({
    classifier: { classify: async (texts) => texts.map(() => analysis), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async () => {
        await whileWriting();
        return { text: LINE, tokens: 8, truncated: false, firstTokenMs: 1, totalMs: 2 };
      },
      dispose: async () => undefined,
    },
    settings,
    responder,
  });
}

/** What the channel shows of the bot's interaction messages: who speaks, the title, the line, and who sees it. */
function shownIn(channelId: string) {
  return discord
    .channelMessages(channelId)
    .filter((message) => message.application_id === discord.applicationId)
    .map((message) => ({
      ephemeral: (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
      content: message.content,
      speaker: message.embeds[0]?.author?.name ?? null,
      title: message.embeds[0]?.title ?? null,
      line: message.embeds[0]?.description ?? null,
      files: message.attachments.map((attachment) => attachment.filename).sort(),
    }));
}

describe('/feel and a persona silenced or restyled while its line is written', () => {
  it('the card shows no line and no speaker from a persona the server silenced before the answer was sent', async () => {
    const channelId = discord.world.channels.text.id;
    const { job } = await deferredFeel({ channelId, isPublic: false });
    // The admin runs /feelbot persona name:joy enabled:false while Joy's line is generated.
    const deps = workerDeps(() => adminChanges((current) => ({ ...current, disabledPersonas: ['joy'] })));

    const outcome = await handleAnalysisJob(job, deps);

    expect(outcome).toEqual({ status: 'answered', emotion: 'joy', persona: null });
    expect(shownIn(channelId)).toEqual([{ ephemeral: true, content: '', speaker: null, title: expect.stringMatching(/Core emotion: Joy/), line: null, files: ['emotions.png'] }]);
  });

  it('the card shows the persona as the server set its look before the answer was sent', async () => {
    const channelId = discord.world.channels.text.id;
    const { job } = await deferredFeel({ channelId, isPublic: false });
    const deps = workerDeps(() => adminChanges((current) => ({ ...current, personaLooks: { joy: { name: 'Sunny' } } })));

    expect(await handleAnalysisJob(job, deps)).toEqual({ status: 'answered', emotion: 'joy', persona: 'joy' });
    expect(shownIn(channelId)).toMatchObject([{ speaker: 'Sunny', line: LINE }]);
  });
});

describe('/feel asked publicly, and its place turned off before it is answered', () => {
  it('the card goes to its asker alone, chart and speaker included, and the public "thinking…" goes (a job from before it named its parent)', async () => {
    const channelId = discord.world.channels.text.id;
    const { sent, job } = await deferredFeel({ channelId, isPublic: true });
    await adminChanges((current) => ({ ...current, modes: { ...current.modes, [channelId]: 'off' } }));

    expect(await handleAnalysisJob(job, workerDeps())).toEqual({ status: 'answered', emotion: 'joy', persona: 'joy' });

    expect(shownIn(channelId)).toEqual([
      { ephemeral: true, content: '', speaker: 'Joy', title: expect.stringMatching(/Core emotion: Joy/), line: LINE, files: ['emotions.png', 'joy.png'] },
    ]);
    // Discord reads a first follow-up to a deferral as its answer, public like it: an edit resolves the deferral first.
    expect(discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal', 'followup', 'deleteOriginal']);
  });

  it.each([
    { place: 'a channel whose category', channel: () => discord.world.channels.categorized, parentId: () => discord.world.channels.category.id, categoryId: () => null, off: () => discord.world.channels.category.id },
    { place: 'a thread whose parent', channel: () => discord.world.channels.thread, parentId: () => discord.world.channels.text.id, categoryId: () => null, off: () => discord.world.channels.text.id },
    { place: "a thread whose parent's category", channel: () => discord.world.channels.thread, parentId: () => discord.world.channels.categorized.id, categoryId: () => discord.world.channels.category.id, off: () => discord.world.channels.category.id },
  ])('in $place was turned off, the card goes to its asker alone', async ({ channel, parentId, categoryId, off }) => {
    const channelId = channel().id;
    const { job } = await deferredFeel({ channelId, isPublic: true }, { parentId: parentId(), categoryId: categoryId() });
    await adminChanges((current) => ({ ...current, modes: { ...current.modes, [off()]: 'off' } }));

    await handleAnalysisJob(job, workerDeps());

    expect(shownIn(channelId)).toMatchObject([{ ephemeral: true, speaker: 'Joy', line: LINE }]);
  });

  it('a text with nothing to read is told so to its asker alone', async () => {
    const channelId = discord.world.channels.text.id;
    const { job } = await deferredFeel({ channelId, isPublic: true });
    await adminChanges((current) => ({ ...current, defaultMode: 'off' }));

    await handleAnalysisJob(job, workerDeps(undefined, UNREADABLE_TEXT_ANALYSIS));

    expect(shownIn(channelId)).toMatchObject([{ ephemeral: true, title: 'No emotion found' }]);
  });
});

describe('/feel asked publicly, its place turned off, and its private card failed on the way', () => {
  it('a private card whose follow-up never reached Discord (connection refused) is sent by the retry, not lost behind the placeholder note (README: "posts then")', async () => {
    const channelId = discord.world.channels.text.id;
    const { job } = await deferredFeel({ channelId, isPublic: true });
    await adminChanges((current) => ({ ...current, modes: { ...current.modes, [channelId]: 'off' } }));
    // The follow-up's connection is refused (Discord's edge unreachable for a moment); the edit got through.
    const unreachable = createDiscordRest(`http://127.0.0.1:${await closedPort()}`, discord.token, { repeatsFailedRequests: false });
    const firstRun = { ...workerDeps(), responder: new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token), { postRest: unreachable, followUps }) };

    await expect(handleAnalysisJob(job, firstRun, undefined, { started: 1 })).rejects.toThrow();
    const retried = await handleAnalysisJob(job, workerDeps(), undefined, { started: 2 });

    expect(retried).toEqual({ status: 'answered', emotion: 'joy', persona: 'joy' });
    expect(shownIn(channelId).filter((message) => message.ephemeral)).toMatchObject([{ speaker: 'Joy', line: LINE }]);
  });

  it('a private card Discord posted though it answered 502 is not sent again by the retry, and nothing is shown publicly', async () => {
    const channelId = discord.world.channels.text.id;
    const { job } = await deferredFeel({ channelId, isPublic: true });
    await adminChanges((current) => ({ ...current, modes: { ...current.modes, [channelId]: 'off' } }));
    discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);

    await expect(handleAnalysisJob(job, workerDeps(), undefined, { started: 1 })).rejects.toThrow();
    expect(await handleAnalysisJob(job, workerDeps(), undefined, { started: 2 })).toEqual({ status: 'skipped', reason: 'answered-earlier' });

    const shown = shownIn(channelId);
    expect(shown.filter((message) => message.ephemeral)).toMatchObject([{ speaker: 'Joy', line: LINE }]);
    // The follow-up could not be confirmed, so it is not sent again, and its placeholder goes as it would have.
    expect(shown.filter((message) => !message.ephemeral)).toEqual([]);
  });

  it('a private card delivered whose public placeholder Discord would not delete (503s) leaves no public "This analysis could not be made." once the job is done', async () => {
    const channelId = discord.world.channels.text.id;
    const { job } = await deferredFeel({ channelId, isPublic: true });
    await adminChanges((current) => ({ ...current, modes: { ...current.modes, [channelId]: 'off' } }));
    discord.failNext('DELETE /webhooks/:id/:token/messages/@original', [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);

    await expect(handleAnalysisJob(job, workerDeps(), undefined, { started: 1 })).rejects.toThrow();
    const retried = await handleAnalysisJob(job, workerDeps(), undefined, { started: 2 });

    expect(retried).toEqual({ status: 'skipped', reason: 'answered-earlier' });
    expect(shownIn(channelId).filter((message) => message.ephemeral)).toMatchObject([{ speaker: 'Joy', line: LINE }]);
    // The card was made and delivered: the channel must not be told, publicly, that it could not be.
    expect(shownIn(channelId).filter((message) => !message.ephemeral)).toEqual([]);
  });

  it('a private card delivered whose placeholder Discord deleted though it answered 502 is known as answered by the retry, which sends nothing', async () => {
    const channelId = discord.world.channels.text.id;
    const { sent, job } = await deferredFeel({ channelId, isPublic: true });
    await adminChanges((current) => ({ ...current, modes: { ...current.modes, [channelId]: 'off' } }));
    // Applied, then 502, and 503 to each of the client's repeats: the run fails, its placeholder gone.
    discord.failNext('DELETE /webhooks/:id/:token/messages/@original', [{ status: 502, afterHandling: true }, { status: 503 }, { status: 503 }, { status: 503 }]);

    await expect(handleAnalysisJob(job, workerDeps(), undefined, { started: 1 })).rejects.toThrow(/removing the public placeholder/);
    const retried = await handleAnalysisJob(job, workerDeps(), undefined, { started: 2 });

    expect(retried).toEqual({ status: 'skipped', reason: 'answered-earlier' });
    expect(shownIn(channelId)).toMatchObject([{ ephemeral: true, speaker: 'Joy', line: LINE }]);
    expect(discord.interactionResponses(sent.id).filter((response) => response.kind === 'followup')).toHaveLength(1);
  });
});

describe('/feel with no server settings of its own (a DM, or a user install in a server without the bot)', () => {
  it.each([
    { place: 'a DM', channelId: () => discord.world.channels.dm.id },
    { place: "a user install, in a server whose stored settings (from an install long removed) turn the channel and Joy off", channelId: () => discord.world.channels.text.id },
  ])('in $place, a public /feel is answered in place with its persona speaking', async ({ channelId: channelOf }) => {
    const channelId = channelOf();
    await adminChanges((current) => ({ ...current, defaultMode: 'off', modes: { [channelId]: 'off' }, disabledPersonas: ['joy'] }));
    const { sent, job } = await deferredFeel({ channelId, isPublic: true }, { guildId: null });

    expect(await handleAnalysisJob(job, workerDeps())).toEqual({ status: 'answered', emotion: 'joy', persona: 'joy' });

    expect(shownIn(channelId)).toMatchObject([{ ephemeral: false, speaker: 'Joy', line: LINE }]);
    expect(discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal']);
  });
});
