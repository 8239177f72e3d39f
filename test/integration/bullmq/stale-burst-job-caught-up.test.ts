import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BurstJobCatchUp } from '../../../src/adapters/bullmq/burst-job-catch-up.js';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { BurstBuffer, type BurstEntry } from '../../../src/adapters/redis/redis-burst-buffer.js';
import { foldBurst, queueInBurst } from '../../../src/gateway/queue-in-burst.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { messageJobId, type MessageJob } from '../../../src/jobs/message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import type { ReplyQueue } from '../../../src/ports/reply-queue.js';
import { createJobWorker, type JobWorker } from '../../../src/worker/job-worker.js';
import { buildMessageJob, buildMessageJobDeps, snowflake } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { recordingReplier } from '../../support/recording-replier.js';
import { redisReplyLimits } from '../../support/redis-reply-limits.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough that nothing leaves the delayed set unless a test promotes it. */
const LONG_WINDOW_MS = 30_000;

/**
 * A burst window longer than the burst lock's TTL (5 s), as BURST_WINDOW_MS allows: the burst is
 * still open when the other gateway takes the lock the cut-off one lost.
 */
const WINDOW_PAST_LOCK_MS = 8_000;

/**
 * A TCP link to Redis that can hold what its clients send (a network cut: the bytes already sent
 * wait in the network) and deliver it all, in order, later (the cut heals).
 */
async function holdableLink(port: number) {
  let held: Buffer[] | undefined;
  const upstreams = new Set<Socket>();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    upstreams.add(upstream);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (chunk: Buffer) => (held ? held.push(chunk) : upstream.write(chunk)));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    hold: () => void (held ??= []),
    release() {
      const chunks = held ?? [];
      held = undefined;
      // One client connection per link in this test: its bytes keep their order.
      for (const upstream of upstreams) for (const chunk of chunks) upstream.write(chunk);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A gateway cut off from Redis mid-step (longer than the burst lock's TTL) sent its job for the
 * burst's first two messages before the cut; it lands after another gateway queued the third.
 * Real Redis, real BullMQ, the gateway's queueInBurst and the worker's real use case.
 */
describe("a burst's reply job that a stale copy of the burst replaced (real Redis, BullMQ and worker)", () => {
  const redis = usePrivateRedis();
  const opened: Array<{ close(): Promise<void> } | JobWorker> = [];

  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await ('stop' in thing ? thing.stop(1_000) : thing.close());
  });

  /** One author's burst of three messages, queued as the gateway queues them. */
  async function burstOfThree() {
    const prefix = `{stale-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    opened.push(queue);
    const bursts = new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS);
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const [first, second, third] = [say('guess what'), say('I passed my exam'), say('with full marks!')];
    for (const job of [first, second, third]) await queueInBurst(queue, bursts, job, async () => true);
    return { prefix, queue, first, second, third };
  }

  /** The job the cut-off gateway built for the burst's first two messages, as queueInBurst builds it. */
  function staleFold(first: MessageJob, second: MessageJob): MessageJob {
    const entry = ({ messageId, content, rawContent, addressed }: MessageJob): BurstEntry => ({ messageId, content, rawContent, addressed });
    return { ...foldBurst(second, [entry(first), entry(second)]), replyId: first.messageId };
  }

  /**
   * Two gateways on the private Redis, one of them (`linked`) through a link that can be cut, and one
   * author's burst of three messages. `cutAtNextEnqueue` gives the linked gateway's queue whose next
   * add is sent and then held in the network until `link.release()`; `atCut` settles once it is sent.
   */
  async function twoGateways(prefix: string) {
    const link = await holdableLink(redis.server.port);
    const cutOff = new Redis(link.url, { maxRetriesPerRequest: null });
    opened.push(link, { close: async () => cutOff.disconnect() });
    const gateway = (connection: Redis) => {
      const queue = new MessageQueue(connection, prefix);
      opened.push(queue);
      return { queue, bursts: new BurstBuffer(connection, prefix, WINDOW_PAST_LOCK_MS) };
    };
    const linked = gateway(cutOff);
    const cutAtNextEnqueue = () => {
      let cut!: () => void;
      const atCut = new Promise<void>((resolve) => (cut = resolve));
      let adds = 0;
      const queue: ReplyQueue = Object.assign(Object.create(linked.queue) as MessageQueue, {
        enqueueDebounced: (job: MessageJob, burstId: string, windowMs: number) => {
          if (adds++ === 0) link.hold();
          const sent = linked.queue.enqueueDebounced(job, burstId, windowMs);
          cut();
          return sent;
        },
      });
      return { queue, atCut };
    };
    const author = { id: snowflake(), displayName: 'Alice' };
    const channelId = snowflake();
    const say = (content: string): MessageJob => buildMessageJob({ channelId, author, content, messageId: snowflake() });
    const burst = [say('guess what'), say('I passed my exam'), say('with full marks!')] as const;
    return { direct: gateway(redis.connection), linked, link, cutAtNextEnqueue, burst };
  }

  /** A worker on the prefix's reply queue running the real use case; what it posted, prompted and logged. */
  function startWorker(prefix: string) {
    const { replier, posted } = recordingReplier();
    const prompts: string[] = [];
    const { logger, lines } = capturedLogger();
    const deps = buildMessageJobDeps({
      generator: {
        parallelism: 1,
        generate: async ({ prompt }) => (prompts.push(JSON.stringify(prompt)), { text: 'Congratulations!', tokens: 2, truncated: false, firstTokenMs: 1, totalMs: 1 }),
        dispose: async () => undefined,
      },
      replier,
      ...redisReplyLimits(redis.connection, prefix),
      bursts: new BurstJobCatchUp(redis.connection, prefix, new BurstBuffer(redis.connection, prefix, LONG_WINDOW_MS)),
      logger,
    });
    const worker = createJobWorker(
      redis.connection.duplicate(),
      prefix,
      { reply: (data, log, signal, run) => handleMessageJob(data, { ...deps, logger: log }, signal, run) },
      { concurrency: 1, lockDurationMs: 10_000, logger, metrics: NO_METRICS },
    );
    opened.push(worker);
    return { posted, prompts, lines };
  }

  it('answers the burst as the gateways hold it: it replies to the newest message, reads its text, and carries it', async () => {
    const { prefix, queue, first, second, third } = await burstOfThree();
    const staleId = await queue.enqueueDebounced(staleFold(first, second), `burst-${first.messageId}`, LONG_WINDOW_MS);
    expect(staleId).toBe(messageJobId(second.messageId));
    // The late add replaced the job that read the whole burst.
    expect(await queue.queue.getJob(messageJobId(third.messageId))).toBeUndefined();

    // Promoted: it runs at once, while the burst is still open (the last test leaves it to its own delay).
    await (await queue.queue.getJob(staleId))!.promote();
    const { posted, prompts, lines } = startWorker(prefix);
    await expect.poll(async () => (await queue.queue.getJob(staleId))?.getState(), { timeout: 10_000 }).toBe('completed');

    expect(posted.map((reply) => reply.nonce)).toEqual([third.messageId]);
    expect(prompts.at(-1)).toContain(third.content);
    expect(prompts.at(-1)).toContain(first.content);
    expect(await queue.carrierOf(third.messageId)).toBe(staleId);
    // Stored so: a retry of the job answers the whole burst too.
    expect((await queue.queue.getJob(staleId))!.data).toMatchObject({ messageId: third.messageId, burst: [first.messageId, second.messageId] });
    const caughtUp = lines.filter((line) => line.event === 'BURST_CAUGHT_UP');
    expect(caughtUp).toMatchObject([{ jobId: staleId, burstId: first.messageId, caughtUp: [third.messageId] }]);
    expect(JSON.stringify(caughtUp)).not.toContain(third.content);
  });

  it('leaves a stale job as it is while another job still carries the messages it lacks: none is answered twice', async () => {
    const { prefix, queue, first, second, third } = await burstOfThree();
    // The stale copy lands once the burst's deduplication has lapsed: beside the newer job, not in its place.
    await queue.queue.removeDeduplicationKey(`burst-${first.messageId}`);
    const staleId = await queue.enqueueDebounced(staleFold(first, second), `burst-${first.messageId}`, LONG_WINDOW_MS);
    expect(staleId).toBe(messageJobId(second.messageId));
    expect(await (await queue.queue.getJob(messageJobId(third.messageId)))?.getState()).toBe('delayed');

    await (await queue.queue.getJob(staleId))!.promote();
    const { posted, prompts, lines } = startWorker(prefix);
    await expect.poll(async () => (await queue.queue.getJob(staleId))?.getState(), { timeout: 10_000 }).toBe('completed');

    expect(posted.map((reply) => reply.nonce)).toEqual([second.messageId]);
    expect(prompts.join()).not.toContain(third.content);
    expect(await queue.carrierOf(third.messageId)).toBe(messageJobId(third.messageId));
    expect(lines.filter((line) => line.event === 'BURST_CAUGHT_UP')).toEqual([]);
  });

  it("answers the whole burst when a gateway's add, sent before a cut past the lock's TTL, lands after the other gateway's newer job", async () => {
    const prefix = `{stale-${randomUUID().slice(0, 8)}}`;
    const { direct, linked, link, cutAtNextEnqueue, burst } = await twoGateways(prefix);
    const [first, second, third] = burst;
    const yes = async () => true;
    const { posted, prompts } = startWorker(prefix);

    await queueInBurst(linked.queue, linked.bursts, first, yes);
    // The linked gateway appends the second message, and is cut off from Redis as it sends the burst's job.
    const { queue: cutAtEnqueue, atCut } = cutAtNextEnqueue();
    const stale = queueInBurst(cutAtEnqueue, linked.bursts, second, yes);
    await atCut;
    // The other gateway takes the third message once the linked one's lock has lapsed.
    await queueInBurst(direct.queue, direct.bursts, third, yes);
    // The cut heals: the linked gateway's job lands after the other's and replaces it.
    link.release();
    await stale;
    const staleId = messageJobId(second.messageId);
    expect(await direct.queue.queue.getJob(messageJobId(third.messageId))).toBeUndefined();

    await expect.poll(async () => (await direct.queue.queue.getJob(staleId))?.getState(), { timeout: 20_000, interval: 200 }).toBe('completed');
    expect(posted.map((reply) => reply.nonce)).toEqual([third.messageId]);
    expect(prompts.at(-1)).toContain(third.content);
    expect(await direct.queue.carrierOf(third.messageId)).toBe(staleId);
  }, 40_000);

  it("leaves out a message whose own gateway, cut off past the lock's TTL, is still queueing it: each message is answered once, the first two included", async () => {
    const prefix = `{stale-${randomUUID().slice(0, 8)}}`;
    const { direct, linked, link, cutAtNextEnqueue, burst } = await twoGateways(prefix);
    const [first, second, third] = burst;
    const yes = async () => true;

    await queueInBurst(direct.queue, direct.bursts, first, yes);
    await queueInBurst(direct.queue, direct.bursts, second, yes);
    // The linked gateway appends the third message, and is cut off from Redis as it sends the burst's
    // job; its next add (the message queued in a burst of its own, after the cut) goes through.
    const { queue: cutAtEnqueue, atCut } = cutAtNextEnqueue();
    const inFlight = queueInBurst(cutAtEnqueue, linked.bursts, third, yes);
    await atCut;

    // The older job comes due (promoted rather than waiting its window); its reply takes a while to
    // write (a slow generation, or a first attempt backing off), past the third message's own window.
    const { posted, prompts, lines } = startWorker(prefix);
    const olderId = messageJobId(second.messageId);
    await (await direct.queue.queue.getJob(olderId))!.promote();
    await expect.poll(async () => (await direct.queue.queue.getJob(olderId))?.getState(), { timeout: 15_000, interval: 100 }).toBe('completed');

    // The cut heals: the linked gateway's add meets the older job done, and queues the third message in a burst of its own.
    link.release();
    await inFlight;
    const ownId = messageJobId(third.messageId);
    await (await direct.queue.queue.getJob(ownId))!.promote();
    await expect.poll(async () => (await direct.queue.queue.getJob(ownId))?.getState(), { timeout: 15_000, interval: 100 }).toBe('completed');

    expect(posted.map((reply) => reply.nonce)).toEqual([second.messageId, third.messageId]);
    expect(prompts[0]).toContain(first.content);
    expect(prompts[0]).not.toContain(third.content);
    expect(lines.filter((line) => line.event === 'BURST_CAUGHT_UP')).toEqual([]);
  }, 60_000);
});
