import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { NO_EDITS } from '../../../src/ports/edited-messages.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter.js';
import { DEFAULT_GUILD_SETTINGS, type GuildSettings } from '../../../src/domain/guild-settings.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { handleMessageJob, type MessageJobDeps } from '../../../src/jobs/handle-message-job.js';
import { NO_CHANNEL_BLOCKS } from '../../../src/ports/channel-blocks.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import type { PersonaReplier, PersonaReply } from '../../../src/ports/persona-replier.js';
import type { ReplyGenerator } from '../../../src/ports/reply-generator.js';
import { buildAnalysis, buildMessageJob, personas, snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe("deletions that come after a burst's reply started (real Redis ledger, limiter and deletion marks)", () => {
  const redis = usePrivateRedis();

  /** A burst of two messages as the gateway queues it: the first may be deleted, the second stays. */
  function burstJob() {
    const [regretted, kept] = [snowflake(), snowflake()];
    const job = buildMessageJob({
      messageId: kept,
      content: 'ugh, my ex texted\nmy exam went badly',
      burst: [regretted],
      parts: [
        { messageId: regretted, content: 'ugh, my ex texted', addressed: true },
        { messageId: kept, content: 'my exam went badly', addressed: true },
      ],
    });
    return { regretted, kept, job };
  }

  /**
   * A worker's deps on one private prefix; the generator records each prompt and may act while it
   * writes, and the replier answers every post with `replyId`.
   */
  function worker(options: { settings?: GuildSettings; whileWriting?: () => Promise<void>; replier?: PersonaReplier } = {}) {
    const prefix = `{written-${randomUUID().slice(0, 8)}}`;
    const settings = options.settings ?? DEFAULT_GUILD_SETTINGS;
    const posted: PersonaReply[] = [];
    const prompts: string[] = [];
    const replyId = snowflake();
    const generator: ReplyGenerator = {
      parallelism: 1,
      generate: async ({ prompt }) => {
        prompts.push(JSON.stringify(prompt));
        await options.whileWriting?.();
        return { text: 'Sorry to hear that!', tokens: 4, truncated: false, firstTokenMs: 1, totalMs: 1 };
      },
      dispose: async () => undefined,
    };
    const deps: MessageJobDeps = {
      classifier: { classify: async (texts) => texts.map(() => buildAnalysis()), dispose: async () => undefined },
      generator,
      personas,
      settings: { get: async () => settings, update: async () => settings },
      replier: options.replier ?? { post: async (reply) => (posted.push(reply), { messageId: replyId }), findPosted: async () => undefined },
      ledger: new RedisDeliveryLedger(redis.connection, prefix),
      typing: { start: () => () => undefined },
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      notifier: { notify: async () => undefined },
      limiter: new RedisRateLimiter(redis.connection, prefix),
      deleted: new RedisDeletedMessages(redis.connection, prefix),
      edited: NO_EDITS,
      blocks: NO_CHANNEL_BLOCKS,
    };
    return { deps, posted, prompts, replyId };
  }

  it('part of a burst deleted while its reply is written: the rest is answered, and the deleted text reaches no prompt of it', async () => {
    const { regretted, kept, job } = burstJob();
    let deletedYet = false;
    // The job is locked by the worker, so the gateway can only mark the deletion.
    const { deps, posted, prompts, replyId } = worker({
      whileWriting: async () => {
        if (!deletedYet) await deps.deleted.mark([regretted]);
        deletedYet = true;
      },
    });

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted', replyId });
    expect(posted.map((reply) => reply.nonce)).toEqual([kept]);
    expect(prompts).toHaveLength(2);
    expect(prompts[1]).toContain('my exam went badly');
    expect(prompts[1]).not.toContain('my ex texted');
    // A retry of the job finds the reply that answered what is left of the burst.
    expect(await deps.ledger.find([kept])).toBe(replyId);
  });

  it('every message of a burst deleted while its reply is written: no reply', async () => {
    const { regretted, kept, job } = burstJob();
    const { deps, posted, prompts } = worker({ whileWriting: async () => deps.deleted.mark(prompts.length === 1 ? [regretted] : [kept]) });

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'skipped', reason: 'deleted' });
    expect(posted).toEqual([]);
  });

  it('a lone message deleted while its reply is written gets no reply, and is not written again', async () => {
    const job = buildMessageJob();
    const { deps, posted, prompts } = worker({ whileWriting: async () => deps.deleted.mark([job.messageId]) });

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'skipped', reason: 'deleted' });
    expect(posted).toEqual([]);
    expect(prompts).toHaveLength(1);
  });

  it("with a user cooldown, a retry after the burst's first message was deleted keeps the start its first attempt took", async () => {
    const { regretted, kept, job } = burstJob();
    const settings = { ...DEFAULT_GUILD_SETTINGS, userCooldownSeconds: 60 };
    let discordDown = true;
    const posted: PersonaReply[] = [];
    const replier: PersonaReplier = {
      post: async (reply) => {
        if (discordDown) throw new FeelbotError(ErrorCodes.DiscordUnavailable, 'Discord answered 503');
        posted.push(reply);
        return { messageId: snowflake() };
      },
      findPosted: async () => undefined,
    };
    const { deps } = worker({ settings, replier });

    // The first attempt takes the start, then Discord fails it; BullMQ retries it after a backoff.
    await expect(handleMessageJob(job, deps)).rejects.toThrow('503');
    await deps.deleted.mark([regretted]);
    discordDown = false;

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect(posted.map((reply) => reply.nonce)).toEqual([kept]);
  });
});
