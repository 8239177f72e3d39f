import { MessageFlags } from 'discord-api-types/v10';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { interactionKey } from '../../../src/adapters/discord/interaction-key.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { RedisPrivateFollowUps } from '../../../src/adapters/redis/redis-private-follow-ups.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { withChannelMode } from '../../../src/domain/guild-settings.js';
import { handleAnalysisJob, type AnalysisJobDeps, type AnalysisRun } from '../../../src/jobs/handle-analysis-job.js';
import type { PrivateFollowUps } from '../../../src/ports/private-follow-ups.js';
import { buildAnalysisJob, buildAnalysisJobDeps } from '../../factories.js';
import { startFakeDiscord } from '../../fakes/fake-discord/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { startSplittableRedisLink } from '../../support/splittable-redis-link.js';

const redis = usePrivateRedis();
const cleanups = useCleanups();

/** A public /feel deferred in a channel since turned off, so its card goes privately; worker A reaches Redis through a link a split can cut, worker B directly. */
async function publicFeelInChannelTurnedOff() {
  const discord = await startFakeDiscord();
  cleanups.push(() => discord.close());
  const prefix = `{split-card-${randomUUID().slice(0, 8)}}`;
  const channelId = discord.world.channels.text.id;
  const settings = new RedisSettingsStore(redis.connection, prefix);
  await settings.update(discord.world.guild.id, (current) => withChannelMode(current, channelId, 'off'));

  const sent = discord.sendInteraction({ channelId, userId: discord.world.users.member.id, commandName: 'feel' });
  const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 5, data: {} }),
  });
  expect(deferred.status).toBe(204);
  const job = buildAnalysisJob({ interactionId: sent.id, applicationId: discord.applicationId, token: sent.token, guildId: discord.world.guild.id, channelId, userId: discord.world.users.member.id, deferredPublicly: true });

  const link = await startSplittableRedisLink(redis.server.port);
  cleanups.push(() => link.close());
  // Worker A's connection, as start-worker makes it: commands wait for Redis however long it is away.
  const workerA = createRedis(link.url, 'worker', 'feelbot-worker-a');
  cleanups.push(() => workerA.disconnect());

  const rest = () => createDiscordRest(discord.apiUrl, discord.token);
  const depsFor = (followUps: PrivateFollowUps): AnalysisJobDeps => buildAnalysisJobDeps({ settings, responder: new InteractionWebhookResponder(rest(), { followUps }) });
  const cards = () =>
    discord
      .channelMessages(channelId)
      .filter((message) => message.application_id === discord.applicationId && (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 && message.embeds.length > 0);
  return {
    job,
    link,
    depsFor,
    cards,
    prefix,
    interaction: interactionKey(job.applicationId, job.token),
    notesA: new RedisPrivateFollowUps(workerA, prefix),
    notesB: new RedisPrivateFollowUps(redis.connection, prefix),
  };
}

/** `notes` whose 'sending' note first runs `during(noting)`, the note's write under way; everything else as it is. */
function aroundTheNote(notes: PrivateFollowUps, during: (noting: Promise<void>) => Promise<void>): PrivateFollowUps {
  let done = false;
  return {
    stateOf: (interaction) => notes.stateOf(interaction),
    forget: (interaction) => notes.forget(interaction),
    note: async (interaction, state, whileHeld) => {
      if (state !== 'sending' || done) return notes.note(interaction, state, whileHeld);
      done = true;
      const noting = notes.note(interaction, state, whileHeld);
      await during(noting).catch(() => undefined);
      return noting;
    },
  };
}

/** The job's lock as BullMQ keeps it: run A's token until the lock lapses and B's run takes it (the test sets B's token). */
async function lockedByRunA(prefix: string) {
  const lockKey = `${prefix}:replies:${randomUUID()}:lock`;
  await redis.connection.set(lockKey, 'run-a');
  const runOf = (token: string, started: number): AnalysisRun => ({ started, holdsJob: async () => (await redis.connection.get(lockKey)) === token, lock: { key: lockKey, token } });
  return { lockKey, runOf };
}

const codeOrStatus = (outcome: unknown) => (outcome as { code?: string }).code ?? (outcome as { status?: string }).status;

describe("a public /feel answered privately (its channel turned off), its worker's note of the card's follow-up", () => {
  it("shows its asker one card, not two, when the worker noting the card's follow-up is cut off from Redis and another takes the job over", async () => {
    const feel = await publicFeelInChannelTurnedOff();
    let takenOver = false;
    let rescued: unknown;
    const splitAtTheNote = aroundTheNote(feel.notesA, async () => {
      // The split begins as worker A notes the card's follow-up; past JOB_LOCK_MS, worker B takes the /feel over (its second run) and answers it.
      feel.link.split();
      takenOver = true;
      rescued = await handleAnalysisJob(feel.job, feel.depsFor(feel.notesB), undefined, { started: 2, holdsJob: async () => true });
      feel.link.heal();
    });
    const outcomeA = await handleAnalysisJob(feel.job, feel.depsFor(splitAtTheNote), undefined, { started: 1, holdsJob: async () => !takenOver }).catch((error: unknown) => error);

    expect(rescued).toMatchObject({ status: 'answered' });
    expect({ privateCards: feel.cards().length, outcomeA: codeOrStatus(outcomeA) }).toEqual({ privateCards: 1, outcomeA: 'JOB_LOST' });
  }, 30_000);

  it("landing after the worker that took the job over sent the card, is refused under BullMQ's lock: the card noted 'sent' stays so", async () => {
    const feel = await publicFeelInChannelTurnedOff();
    const { lockKey, runOf } = await lockedByRunA(feel.prefix);
    let rescued: unknown;
    const splitAtTheNote = aroundTheNote(feel.notesA, async () => {
      feel.link.split();
      await redis.connection.set(lockKey, 'run-b');
      rescued = await handleAnalysisJob(feel.job, feel.depsFor(feel.notesB), undefined, runOf('run-b', 2));
      feel.link.heal();
    });
    const outcomeA = await handleAnalysisJob(feel.job, feel.depsFor(splitAtTheNote), undefined, runOf('run-a', 1)).catch((error: unknown) => error);

    expect(rescued).toMatchObject({ status: 'answered' });
    expect({ privateCards: feel.cards().length, outcomeA: codeOrStatus(outcomeA) }).toEqual({ privateCards: 1, outcomeA: 'JOB_LOST' });
    expect(await feel.notesB.stateOf(feel.interaction)).toBe('sent');
  }, 30_000);

  it('once it landed while the run held the job, makes that run send the card even if it loses the job: the next holder reads the note and sends none', async () => {
    const feel = await publicFeelInChannelTurnedOff();
    const { lockKey, runOf } = await lockedByRunA(feel.prefix);
    let rescued: unknown;
    // Redis applies A's note while A holds the job; its answer reaches A only after B has taken the job over and run.
    const lateAnswer = aroundTheNote(feel.notesA, async (noting) => {
      await noting;
      await redis.connection.set(lockKey, 'run-b');
      rescued = await handleAnalysisJob(feel.job, feel.depsFor(feel.notesB), undefined, runOf('run-b', 2));
    });
    await handleAnalysisJob(feel.job, feel.depsFor(lateAnswer), undefined, runOf('run-a', 1));

    expect(rescued).toEqual({ status: 'skipped', reason: 'answered-earlier' });
    expect(feel.cards()).toHaveLength(1);
  }, 30_000);
});
