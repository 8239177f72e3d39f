import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { readJob } from '../../../src/adapters/bullmq/read-job.js';
import { DELETED_PLACE_BLOCK_SECONDS, RedisChannelBlocks } from '../../../src/adapters/redis/redis-channel-blocks.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { RedisEditedMessages } from '../../../src/adapters/redis/redis-edited-messages.js';
import { RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { RedisWebhookCache } from '../../../src/adapters/redis/redis-webhook-cache.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { createGuildRemovalHandler, type GuildRemovalDeps, type GuildRemovalHandler } from '../../../src/gateway/on-guild-delete.js';
import { ofLeftServer } from '../../../src/jobs/blocked-places.js';
import { handleAnalysisJob } from '../../../src/jobs/handle-analysis-job.js';
import { handleMessageJob, type MessageJobDeps } from '../../../src/jobs/handle-message-job.js';
import { messageJobId, parseMessageJob, type MessageJob } from '../../../src/jobs/message-job.js';
import { NO_DELETIONS } from '../../../src/ports/deleted-messages.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import type { InteractionResponse } from '../../../src/ports/interaction-responder.js';
import type { PersonaReply } from '../../../src/ports/persona-replier.js';
import { createJobWorker, type JobHandler, type JobWorkerOptions } from '../../../src/worker/job-worker.js';
import { buildAnalysis, buildAnalysisJob, buildAnalysisJobDeps, buildMessageJob, personas, snowflake } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** The code a server that removed the bot is blocked under. */
const GUILD_LEFT = 'GUILD_LEFT';
const REMOVED = 'deleted the settings of a guild the bot left';
/** Long enough that a job stays delayed for the whole test. */
const LONG_WINDOW_MS = 60_000;

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A backlog of replies large enough that its removal is still under way when a GUILD_CREATE handed in just after is handled. */
const BACKLOG = 3_000;

/** A gateway's view of one deployment on a private prefix: its queue, the GUILD_DELETE/GUILD_CREATE handler, and what workers share. */
function deployment(jobs?: (queue: MessageQueue) => GuildRemovalDeps['jobs']) {
  const prefix = `{left-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  cleanups.push(() => queue.close());
  const blocks = new RedisChannelBlocks(redis.connection, prefix);
  const edited = new RedisEditedMessages(redis.connection, prefix);
  const { logger, lines } = capturedLogger();
  const membership: GuildRemovalHandler = createGuildRemovalHandler({
    settings: new RedisSettingsStore(redis.connection, prefix),
    webhooks: new RedisWebhookCache(redis.connection, prefix),
    blocks,
    jobs: jobs?.(queue) ?? queue.guildJobs,
    logger,
  });
  const removed = (guildId: string) => membership({ guildId, unavailable: false });
  const readded = (guildId: string) => membership({ guildId, arrived: true });
  return { prefix, queue, blocks, edited, lines, membership, removed, readded };
}

/** A member's message in `guildId`, with its text and another member's message before it as context. */
function messageIn(guildId: string, secret: string, contextSecret = `${secret} (said before)`): MessageJob {
  return buildMessageJob({
    guildId,
    channelId: snowflake(),
    messageId: snowflake(),
    author: { id: snowflake(), displayName: `member of ${guildId}` },
    content: secret,
    context: [{ messageId: snowflake(), authorId: snowflake(), authorName: 'another member', content: contextSecret }],
  });
}

/** A worker's deps on the deployment's prefix: the real use case, with Redis's blocks, ledger and limiter. */
function workerDeps({ prefix, blocks }: ReturnType<typeof deployment>, whileWriting?: () => Promise<void>) {
  const posted: PersonaReply[] = [];
  const classified: string[] = [];
  const prompts: string[] = [];
  const deps: MessageJobDeps = {
    classifier: { classify: async (texts) => (classified.push(...texts), texts.map(() => buildAnalysis())), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async ({ prompt }) => {
        prompts.push(JSON.stringify(prompt));
        await whileWriting?.();
        return { text: 'That sounds hard.', tokens: 4, truncated: false, firstTokenMs: 1, totalMs: 1 };
      },
      dispose: async () => undefined,
    },
    personas,
    settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
    replier: { post: async (reply) => (posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined },
    ledger: new RedisDeliveryLedger(redis.connection, prefix),
    typing: { start: () => () => undefined },
    logger: capturedLogger().logger,
    metrics: NO_METRICS,
    notifier: { notify: async () => undefined },
    limiter: new RedisRateLimiter(redis.connection, prefix),
    deleted: NO_DELETIONS,
    edited: new RedisEditedMessages(redis.connection, prefix),
    blocks,
  };
  return { deps, posted, classified, prompts };
}

/** A worker's /feel deps on the deployment's prefix: the real use case, with Redis's blocks; `whileWriting` runs as the persona line is written. */
function analysisDeps({ blocks }: ReturnType<typeof deployment>, whileWriting?: () => Promise<void>) {
  const classified: string[] = [];
  const answers: InteractionResponse[] = [];
  const deps = buildAnalysisJobDeps({
    classifier: { classify: async (texts) => (classified.push(...texts), texts.map(() => buildAnalysis())), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async () => {
        await whileWriting?.();
        return { text: 'So happy for you!', tokens: 4, truncated: false, firstTokenMs: 1, totalMs: 1 };
      },
      dispose: async () => undefined,
    },
    responder: { editOriginal: async (_app, _token, response) => void answers.push(response), hasAnswered: async () => answers.length > 0, answerPrivately: async () => expect.fail('no notice is due') },
    blocks,
  });
  return { deps, classified, answers };
}

/** Runs the queue's jobs through a worker whose handler completes a job, or fails it for good when its text says FAIL, until `done` holds. */
async function finishJobs(prefix: string, done: () => Promise<boolean>) {
  const worker = createJobWorker(
    redis.connection.duplicate(),
    prefix,
    {
      reply: async (data) => {
        if (parseMessageJob(data).content.includes('FAIL')) throw new FeelbotError(ErrorCodes.JobInvalid, 'failed for the test', { permanent: true });
        return { status: 'skipped', reason: 'not-emotional' };
      },
    },
    { concurrency: 1, lockDurationMs: 4_000, logger: capturedLogger().logger, metrics: NO_METRICS },
  );
  await expect.poll(done, { timeout: 10_000 }).toBe(true);
  await worker.stop(1_000);
}

/** A worker on the deployment's prefix, as the tests run one (one job at a time, a 4 s lock), stopped after the test. */
function workerOn(prefix: string, handlers: Readonly<Record<string, JobHandler>>, options: Partial<JobWorkerOptions> = {}) {
  const worker = createJobWorker(redis.connection.duplicate(), prefix, handlers, { concurrency: 1, lockDurationMs: 4_000, logger: capturedLogger().logger, metrics: NO_METRICS, ...options });
  cleanups.push(() => worker.stop(1_000));
  return worker;
}

const stateOf = async (queue: MessageQueue, jobId: string) => (await readJob(queue.queue, jobId))?.getState();

/** Runs the queue's jobs through a worker on the real use case until `jobId` is finished; returns what its handler returned. */
async function answered(gateway: ReturnType<typeof deployment>, jobId: string) {
  const { deps, posted } = workerDeps(gateway);
  workerOn(gateway.prefix, { reply: (data, log, signal) => handleMessageJob(data, { ...deps, logger: log }, signal) });
  await expect.poll(() => stateOf(gateway.queue, jobId), { timeout: 10_000 }).toBe('completed');
  return { outcome: (await readJob(gateway.queue.queue, jobId))?.returnvalue as unknown, posted };
}

/** Queues `count` replies of `guildId`, each waiting out a long burst window. */
async function queueBacklog(queue: MessageQueue, guildId: string, count: number) {
  const backlog = Array.from({ length: count }, (_, i) => messageIn(guildId, `backlog message ${i}`));
  for (let i = 0; i < backlog.length; i += 100) await Promise.all(backlog.slice(i, i + 100).map((job) => queue.enqueueDebounced(job, snowflake(), LONG_WINDOW_MS)));
  return backlog;
}

describe('the queued work of a server that removes the bot (real Redis and BullMQ)', () => {
  it("takes its members' waiting, delayed and finished replies, its /feel requests, and the edits and carriers they recorded, out of Redis; another server's stay", async () => {
    const gateway = deployment();
    const { queue } = gateway;
    const [left, stays] = [snowflake(), snowflake()];
    const completed = messageIn(left, 'completed secret');
    const failed = messageIn(left, 'FAIL failed secret');
    await queue.enqueueDebounced(completed, snowflake(), 0);
    await queue.enqueueDebounced(failed, snowflake(), 0);
    await finishJobs(gateway.prefix, async () => (await stateOf(queue, messageJobId(completed.messageId))) === 'completed' && (await stateOf(queue, messageJobId(failed.messageId))) === 'failed');

    const delayed = messageIn(left, 'delayed secret');
    const waiting = messageIn(left, 'waiting secret');
    const elsewhere = messageIn(stays, 'another server keeps this');
    for (const job of [delayed, waiting, elsewhere]) await queue.enqueueDebounced(job, snowflake(), job === delayed ? LONG_WINDOW_MS : 0);
    const feel = buildAnalysisJob({ guildId: left, text: 'feel secret' });
    await queue.enqueueAnalysis(feel);
    const quoted = [waiting, elsewhere].map((job) => job.context[0]!.messageId!);
    await gateway.edited.mark(quoted[0]!, 'edited secret');
    await gateway.edited.mark(quoted[1]!, 'an edit another server keeps');
    expect(await everythingUnder(redis.connection, gateway.prefix)).toContain('edited secret');

    await gateway.removed(left);

    const contents = await everythingUnder(redis.connection, gateway.prefix);
    const quotedTexts = [completed, failed, delayed, waiting].map((job) => job.context[0]!.content);
    for (const secret of ['completed secret', 'failed secret', 'delayed secret', 'waiting secret', ...quotedTexts, 'edited secret', 'feel secret', `member of ${left}`]) {
      expect(contents).not.toContain(secret);
    }
    for (const job of [completed, failed, delayed, waiting]) {
      expect(await readJob(queue.queue, messageJobId(job.messageId))).toBeUndefined();
      expect(await queue.carrierOf(job.messageId)).toBeUndefined();
    }
    expect(await queue.hasAnalysis(feel.interactionId)).toBe(false);
    expect(contents).toContain('another server keeps this');
    expect(contents).toContain('an edit another server keeps');
    expect(await queue.carrierOf(elsewhere.messageId)).toBe(messageJobId(elsewhere.messageId));
    expect(gateway.lines.find((line) => line.msg === REMOVED)).toMatchObject({ level: 'info', guildId: left, removedJobs: 5, heldJobs: 0 });
  });

  it('blocks the server as left for as long as a deleted place, so that a reply queued after the removal is skipped before it is classified', async () => {
    const gateway = deployment();
    const left = snowflake();
    await gateway.removed(left);
    const place = feelbotKey(gateway.prefix, 'blocked', `server:${left}`);
    expect(await redis.connection.get(place)).toBe(GUILD_LEFT);
    expect(await redis.connection.ttl(place)).toBeGreaterThan(DELETED_PLACE_BLOCK_SECONDS - 5);

    // A burst the gateway had in hand as the event came, queued after the removal.
    const late = messageIn(left, 'queued a moment too late');
    const { deps, posted, classified, prompts } = workerDeps(gateway);
    expect(await handleMessageJob(late, deps)).toEqual({ status: 'skipped', reason: 'left-server' });
    expect(classified).toEqual([]);
    expect(prompts).toEqual([]);
    expect(posted).toEqual([]);
  });

  it('a Discord outage (the server unavailable) keeps its replies and blocks nothing', async () => {
    const gateway = deployment();
    const outage = snowflake();
    const job = messageIn(outage, 'kept through an outage');
    await gateway.queue.enqueueDebounced(job, snowflake(), LONG_WINDOW_MS);

    await gateway.membership({ guildId: outage, unavailable: true });

    expect(await stateOf(gateway.queue, messageJobId(job.messageId))).toBe('delayed');
    expect(await gateway.blocks.blockedBy([`server:${outage}`])).toBeUndefined();
  });

  it('a reply being written as the server removes the bot stays with its worker, and is not posted: its check before posting sees the block', async () => {
    const gateway = deployment();
    const left = snowflake();
    let removal: Promise<void> | undefined;
    const { deps, posted } = workerDeps(gateway, async () => {
      removal ??= gateway.removed(left);
      await removal;
    });
    workerOn(gateway.prefix, { reply: (data, log, signal) => handleMessageJob(data, { ...deps, logger: log }, signal) });
    const job = messageIn(left, 'written while the bot was removed');
    const quoted = job.context[0]!.messageId!;
    // An edit recorded under no server (as by a gateway of an earlier version): only the held job names it.
    await gateway.edited.mark(quoted, 'my new number is 555 0199');
    await gateway.queue.enqueueDebounced(job, snowflake(), 0);

    await expect.poll(() => stateOf(gateway.queue, messageJobId(job.messageId)), { timeout: 10_000 }).toBe('completed');
    expect((await readJob(gateway.queue.queue, messageJobId(job.messageId)))?.returnvalue).toMatchObject({ status: 'skipped', reason: 'left-server' });
    expect(posted).toEqual([]);
    expect(gateway.lines.find((line) => line.msg === REMOVED)).toMatchObject({ removedJobs: 0, heldJobs: 1 });
    // What the held job's messages left besides the job: its worker never posts it.
    expect(await gateway.queue.carrierOf(job.messageId)).toBeUndefined();
    expect(await gateway.edited.editsAmong([quoted])).toEqual(new Map());
  });

  it('the bot added to the server again lifts the block at once, and its next message is answered; an admin\'s block of another server stays', async () => {
    const gateway = deployment();
    const [readded, adminBlocked] = [snowflake(), snowflake()];
    await gateway.removed(readded);
    await gateway.blocks.block(`server:${adminBlocked}`, ErrorCodes.WebhookLimitReached);

    await gateway.readded(readded);
    await gateway.readded(adminBlocked);

    expect(await gateway.blocks.blockedBy([`server:${readded}`])).toBeUndefined();
    expect(await gateway.blocks.blockedBy([`server:${adminBlocked}`])).toBe(ErrorCodes.WebhookLimitReached);
    const { deps, posted } = workerDeps(gateway);
    expect(await handleMessageJob(messageIn(readded, 'glad you are back, I was so lonely'), deps)).toMatchObject({ status: 'posted' });
    expect(posted).toHaveLength(1);
  });

  it('a removal followed at once by the bot added again leaves the server unblocked, though the block reaches Redis late', async () => {
    const gateway = deployment();
    const guildId = snowflake();
    const job = messageIn(guildId, 'sent before the kick');
    await gateway.queue.enqueueDebounced(job, snowflake(), LONG_WINDOW_MS);
    // The block's write is slow to reach Redis (as when it waits for Redis to come back); the lift's is not.
    const slowBlocks = {
      block: async (place: string, code: string) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await gateway.blocks.block(place, code);
      },
      unblock: (place: string, code: string) => gateway.blocks.unblock(place, code),
    };
    const membership = createGuildRemovalHandler({
      settings: new RedisSettingsStore(redis.connection, gateway.prefix),
      webhooks: new RedisWebhookCache(redis.connection, gateway.prefix),
      blocks: slowBlocks,
      jobs: gateway.queue.guildJobs,
      logger: capturedLogger().logger,
    });

    await Promise.all([membership({ guildId, unavailable: false }), membership({ guildId, arrived: true })]);

    expect(await gateway.blocks.blockedBy([`server:${guildId}`])).toBeUndefined();
    expect(await readJob(gateway.queue.queue, messageJobId(job.messageId))).toBeUndefined();
  });

  it("keeps a busy server's index of jobs to the jobs still in Redis, so a removal reads no more than those", async () => {
    const gateway = deployment();
    const busy = snowflake();
    const jobs = Array.from({ length: 40 }, (_, i) => messageIn(busy, `message ${i}`));
    for (const job of jobs) await gateway.queue.enqueueDebounced(job, snowflake(), 0);
    await finishJobs(gateway.prefix, async () => (await gateway.queue.queue.getCompletedCount()) === jobs.length);
    // Finished replies leave Redis after their retention; cleaned here at once.
    await gateway.queue.queue.clean(0, 1_000, 'completed');
    const later = Array.from({ length: 30 }, (_, i) => messageIn(busy, `later message ${i}`));
    for (const job of later) await gateway.queue.enqueueDebounced(job, snowflake(), LONG_WINDOW_MS);

    const indexed = await redis.connection.zrange(feelbotKey(gateway.prefix, 'guild-jobs', busy), 0, -1);
    expect(indexed.length).toBeLessThanOrEqual(later.length + 10);
    expect(indexed).toEqual(expect.arrayContaining(later.map((job) => messageJobId(job.messageId))));

    await gateway.removed(busy);
    expect(await gateway.queue.queue.getDelayedCount()).toBe(0);
    expect(await redis.connection.exists(feelbotKey(gateway.prefix, 'guild-jobs', busy))).toBe(0);
  });

  it("takes the newest text of every edited message of the server out of Redis, also of one whose reply already finished and left Redis, and of one no reply quoted", async () => {
    const gateway = deployment();
    const guildId = snowflake();
    const alice = messageIn(guildId, 'I am so sad today');
    const bobs = alice.context[0]!.messageId!;
    await gateway.queue.enqueueDebounced(alice, snowflake(), 0);
    await finishJobs(gateway.prefix, async () => (await stateOf(gateway.queue, messageJobId(alice.messageId))) === 'completed');
    // Ten minutes on, the finished reply has left Redis (its retention); Bob's edit is kept for an hour.
    await gateway.queue.queue.clean(0, 1_000, 'completed');
    await gateway.edited.mark(bobs, 'my new number is 555 0199, call me', guildId);
    await gateway.edited.mark(snowflake(), 'my address is 12 Elm Street', guildId);
    await gateway.edited.mark(snowflake(), 'an edit another server keeps', snowflake());

    await gateway.removed(guildId);

    const contents = await everythingUnder(redis.connection, gateway.prefix);
    expect(contents).not.toContain('555 0199');
    expect(contents).not.toContain('12 Elm Street');
    expect(contents).toContain('an edit another server keeps');
    expect(await redis.connection.keys(`${feelbotKey(gateway.prefix, 'edited-in', guildId)}*`)).toEqual([]);
  });

  it("the bot added back while a backlog of the server's replies is being removed has its block lifted before that removal ends, and a message sent then is answered", async () => {
    const gateway = deployment();
    const guildId = snowflake();
    await queueBacklog(gateway.queue, guildId, BACKLOG);
    let removalEnded = false;

    // An admin kicks the bot and invites it straight back (the usual fix for its permissions).
    const removal = gateway.removed(guildId).then(() => {
      removalEnded = true;
    });
    await gateway.readded(guildId);

    // The order, not a time: the lift is in Redis while the backlog is still being removed.
    expect(removalEnded).toBe(false);
    expect(await gateway.blocks.blockedBy([`server:${guildId}`])).toBeUndefined();
    const welcome = messageIn(guildId, 'you are back! I missed you, I was so lonely');
    await gateway.queue.enqueueDebounced(welcome, snowflake(), 0);
    await removal;

    expect(await gateway.queue.queue.getDelayedCount()).toBe(0);
    expect(gateway.lines.find((line) => line.msg === REMOVED)).toMatchObject({ removedJobs: BACKLOG, heldJobs: 0 });
    const { outcome, posted } = await answered(gateway, messageJobId(welcome.messageId));
    expect(outcome).toMatchObject({ status: 'posted' });
    expect(posted).toHaveLength(1);
  }, 120_000);

  it('a removal takes only what was set aside before the lift: a reply queued, and an edit made, after the bot is added back stay', async () => {
    let letRemovalRun!: () => void;
    const slow = new Promise<void>((resolve) => (letRemovalRun = resolve));
    // The jobs' removal waits until the test lets it run: the bot is back, and its server busy again, by then.
    const gateway = deployment((queue) => ({
      setAside: (guildId) => queue.guildJobs.setAside(guildId),
      removeSetAside: async (guildId, signal) => {
        await slow;
        return queue.guildJobs.removeSetAside(guildId, signal);
      },
    }));
    const guildId = snowflake();
    const before = messageIn(guildId, 'sent before the kick');
    const after = messageIn(guildId, 'sent after the bot came back');
    const [quotedBefore, quotedAfter] = [before, after].map((job) => job.context[0]!.messageId!) as [string, string];
    const editedTwice = snowflake();
    await gateway.queue.enqueueDebounced(before, snowflake(), LONG_WINDOW_MS);
    await gateway.edited.mark(quotedBefore, 'edited before the kick', guildId);
    await gateway.edited.mark(editedTwice, 'first edited before the kick', guildId);

    const removal = gateway.removed(guildId);
    await gateway.readded(guildId);
    await gateway.queue.enqueueDebounced(after, snowflake(), LONG_WINDOW_MS);
    await gateway.edited.mark(quotedAfter, 'edited after the bot came back', guildId);
    await gateway.edited.mark(editedTwice, 'edited again after the bot came back', guildId);
    letRemovalRun();
    await removal;

    expect(await readJob(gateway.queue.queue, messageJobId(before.messageId))).toBeUndefined();
    expect(await stateOf(gateway.queue, messageJobId(after.messageId))).toBe('delayed');
    expect(await gateway.queue.carrierOf(after.messageId)).toBe(messageJobId(after.messageId));
    expect(await gateway.edited.editsAmong([quotedBefore, quotedAfter, editedTwice])).toEqual(
      new Map([
        [quotedAfter, 'edited after the bot came back'],
        [editedTwice, 'edited again after the bot came back'],
      ]),
    );
    // Removed again if the server removes the bot again: what came after the return is indexed as its own.
    await gateway.removed(guildId);
    expect(await readJob(gateway.queue.queue, messageJobId(after.messageId))).toBeUndefined();
    expect(await gateway.edited.editsAmong([quotedAfter, editedTwice])).toEqual(new Map());
  });

  it('a /feel queued just after the server removed the bot is neither analysed nor answered', async () => {
    const gateway = deployment();
    const left = snowflake();
    await gateway.removed(left);

    const { deps, classified, answers } = analysisDeps(gateway);
    expect(await handleAnalysisJob(buildAnalysisJob({ guildId: left, text: 'asked a moment too late' }), deps)).toEqual({ status: 'skipped', reason: 'left-server' });
    expect(classified).toEqual([]);
    expect(answers).toEqual([]);
    // A DM's /feel, and another server's, are answered as before.
    const dm = analysisDeps(gateway);
    expect(await handleAnalysisJob(buildAnalysisJob({ guildId: null, text: 'asked in a DM' }), dm.deps)).toMatchObject({ status: 'answered' });
    expect(dm.answers).toHaveLength(1);
  });

  it('a /feel whose persona line is being written as the server removes the bot is not answered there', async () => {
    const gateway = deployment();
    const left = snowflake();
    const { deps, answers } = analysisDeps(gateway, () => gateway.removed(left));

    expect(await handleAnalysisJob(buildAnalysisJob({ guildId: left, text: 'answered as the bot was removed' }), deps)).toEqual({ status: 'skipped', reason: 'left-server' });
    expect(answers).toEqual([]);
  });

  it.each([
    { ending: 'completed', secret: 'held while the bot was removed' },
    { ending: 'failed for good', secret: 'FAIL held and failed while the bot was removed' },
  ])("a reply a worker held as the server removed the bot leaves Redis as soon as its worker is done ($ending); another server's finished reply stays", async ({ secret }) => {
    const gateway = deployment();
    const [left, stays] = [snowflake(), snowflake()];
    let removal: Promise<void> | undefined;
    const { deps } = workerDeps(gateway, async () => {
      removal ??= gateway.removed(left);
      await removal;
    });
    const ran: string[] = [];
    // As start-worker wires it; a job whose text says FAIL fails for good once the server has left.
    workerOn(
      gateway.prefix,
      {
        reply: async (data, log, signal) => {
          const job = parseMessageJob(data);
          ran.push(job.messageId);
          const outcome = await handleMessageJob(data, { ...deps, logger: log }, signal);
          if (job.content.includes('FAIL')) throw new FeelbotError(ErrorCodes.JobInvalid, 'failed for the test', { permanent: true });
          return outcome;
        },
      },
      { forgetAfterRun: (data) => ofLeftServer(data, deps) },
    );
    const held = messageIn(left, secret);
    const elsewhere = messageIn(stays, 'another server keeps this');
    await gateway.queue.enqueueDebounced(held, snowflake(), 0);
    // Held: its run has begun, and removes the server while it writes.
    await expect.poll(() => ran.includes(held.messageId), { timeout: 10_000 }).toBe(true);
    await gateway.queue.enqueueDebounced(elsewhere, snowflake(), 0);

    await expect.poll(() => stateOf(gateway.queue, messageJobId(elsewhere.messageId)), { timeout: 10_000 }).toBe('completed');
    await expect.poll(() => readJob(gateway.queue.queue, messageJobId(held.messageId)), { timeout: 10_000 }).toBeUndefined();
    expect(gateway.lines.find((line) => line.msg === REMOVED)).toMatchObject({ removedJobs: 0, heldJobs: 1 });
    const contents = await everythingUnder(redis.connection, gateway.prefix);
    for (const text of [secret.replace('FAIL ', ''), held.context[0]!.content]) expect(contents).not.toContain(text);
    expect(contents).toContain('another server keeps this');
  });
});
