import { MessageFlags } from 'discord-api-types/v10';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { markRedisData } from '../../../src/adapters/redis/redis-data-sentinel.js';
import { handleAnalysisJob, type AnalysisJobDeps } from '../../../src/jobs/handle-analysis-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { giveUpHandlers } from '../../../src/worker/give-up-handlers.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { buildAnalysis, buildAnalysisJob, buildAnalysisJobDeps, buildMessageJob } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** InteractionResponseType.DeferredChannelMessageWithSource. */
const DEFERRED = 5;
/** What the asker of a /feel whose job vanished with Redis's data is told. */
const DATA_LOST_NOTICE = 'Sorry, the analysis failed (REDIS_DATA_LOST). Please try again in a moment.';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A queue under a prefix of its own whose data sentinel is written, as a claimed prefix's is at start-up. */
async function newQueue(): Promise<{ queue: MessageQueue; prefix: string }> {
  const prefix = `{data-lost-${randomUUID().slice(0, 8)}}`;
  await markRedisData(redis.connection, prefix);
  const queue = new MessageQueue(redis.connection, prefix);
  cleanups.push(() => queue.close());
  return { queue, prefix };
}

/**
 * Restarts Redis without its data, once the worker's connection has answered what it was asked
 * before: a run reads Redis's data mark on it as it starts, and a mark read only after the restart
 * could not tell the job vanished with Redis's data.
 */
async function restartRedisAfter(workerConnection: Redis): Promise<void> {
  await workerConnection.ping();
  await redis.server.restart();
}

/** A worker with the production give-up handlers on `connection`, whose log lines land in `lines`. */
function startWorker(prefix: string, connection: Redis, handlers: Readonly<Record<string, JobHandler>>, responder: InteractionWebhookResponder) {
  const { logger, lines } = capturedLogger('info');
  const worker = createJobWorker(connection, prefix, handlers, {
    concurrency: 1,
    lockDurationMs: 10_000,
    logger,
    metrics: NO_METRICS,
    giveUp: giveUpHandlers(responder),
  });
  cleanups.push(() => worker.stop(1_000));
  return lines;
}

/** A /feel's parts, with a classifier that restarts Redis (no AOF) the first time it reads a text. */
function feelDeps(responder: InteractionWebhookResponder, workerConnection: Redis): AnalysisJobDeps {
  let restarted = false;
  return buildAnalysisJobDeps({
    classifier: {
      classify: async (texts) => {
        if (!restarted) {
          restarted = true;
          await restartRedisAfter(workerConnection);
        }
        return texts.map(() => buildAnalysis());
      },
      dispose: async () => undefined,
    },
    responder,
  });
}

const coded = (lines: Array<Record<string, unknown>>) => lines.filter((line) => typeof line.code === 'string');

describe('a job being worked on when Redis restarts without its data (AOF off)', () => {
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

  /** A /feel deferred privately (`public` false) or publicly, and the job a gateway queued for it. */
  async function deferredFeel(publicly: boolean) {
    const channelId = discord.world.channels.text.id;
    const sent = discord.sendInteraction({ channelId, userId: discord.world.users.member.id, commandName: 'feel' });
    const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: DEFERRED, data: publicly ? {} : { flags: MessageFlags.Ephemeral } }),
    });
    expect(deferred.status).toBe(204);
    const job = buildAnalysisJob({
      interactionId: sent.id,
      applicationId: discord.applicationId,
      token: sent.token,
      channelId,
      userId: discord.world.users.member.id,
      guildId: null,
      ...(publicly ? { deferredPublicly: true } : {}),
    });
    return { sent, channelId, job };
  }

  it('a private /feel is told "the analysis failed (REDIS_DATA_LOST)" in place of its "thinking…": the worker holds its token, and no other worker has the job', async () => {
    const { sent, job } = await deferredFeel(false);
    const { queue, prefix } = await newQueue();
    const connection = redis.connection.duplicate();
    const deps = feelDeps(responder, connection);
    const lines = startWorker(prefix, connection, { analysis: (data, _log, signal, run) => handleAnalysisJob(data, deps, signal, run) }, responder);

    await queue.enqueueAnalysis(job);

    await expect.poll(() => discord.interactionResponses(sent.id).map((response) => response.kind), { timeout: 20_000, interval: 200 }).toEqual(['callback', 'editOriginal']);
    const original = (await (await fetch(`${discord.apiUrl}/v10/webhooks/${discord.applicationId}/${sent.token}/messages/@original`)).json()) as { content: string; flags?: number };
    expect(original.content).toBe(DATA_LOST_NOTICE);
    expect((original.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    await expect.poll(() => coded(lines), { timeout: 5_000 }).toEqual([
      expect.objectContaining({ level: 'error', code: 'REDIS_DATA_LOST', jobId: `feel-${sent.id}`, msg: expect.stringContaining('vanished from Redis') }),
    ]);
  }, 60_000);

  it('a public /feel is told so in a message only its asker sees, and the public "thinking…" goes, as any failed /feel', async () => {
    const { sent, channelId, job } = await deferredFeel(true);
    const { queue, prefix } = await newQueue();
    const connection = redis.connection.duplicate();
    const deps = feelDeps(responder, connection);
    startWorker(prefix, connection, { analysis: (data, _log, signal, run) => handleAnalysisJob(data, deps, signal, run) }, responder);

    await queue.enqueueAnalysis(job);

    await expect
      .poll(() => discord.interactionResponses(sent.id).map((response) => response.kind), { timeout: 20_000, interval: 200 })
      .toEqual(['callback', 'editOriginal', 'followup', 'deleteOriginal']);
    const shown = discord
      .channelMessages(channelId)
      .filter((message) => message.application_id === discord.applicationId)
      .map((message) => ({ content: message.content, ephemeral: (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 }));
    expect(shown).toEqual([{ content: DATA_LOST_NOTICE, ephemeral: true }]);
  }, 60_000);

  it('a chat reply is neither posted nor given up: one REDIS_DATA_LOST at error, no "reply given up"', async () => {
    const { prefix } = await newQueue();
    const replies = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
    cleanups.push(() => replies.close());
    const connection = redis.connection.duplicate();
    const held: boolean[] = [];
    const reply: JobHandler = async (_data, _log, _signal, run) => {
      await restartRedisAfter(connection);
      held.push(await run.holdsJob());
      throw new Error('stopped without posting');
    };
    const lines = startWorker(prefix, connection, { reply }, responder);

    await replies.add('reply', buildMessageJob(), { attempts: 3 });

    await expect.poll(() => coded(lines), { timeout: 20_000, interval: 200 }).toEqual([
      expect.objectContaining({ level: 'error', code: 'REDIS_DATA_LOST', msg: expect.stringContaining('its message is not answered') }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(held).toEqual([false]);
    expect(lines.filter((line) => line.msg === 'reply given up')).toEqual([]);
  }, 60_000);
});
