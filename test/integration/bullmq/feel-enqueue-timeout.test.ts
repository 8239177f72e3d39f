import { randomUUID } from 'node:crypto';
import type { Interaction } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * The gateway's /feel handler on a real Redis and BullMQ queue. Only the interaction object is
 * stood in for: what is asserted is what the handler tells Discord, recorded call by call.
 */
describe('a /feel whose queueing timed out', () => {
  const redis = usePrivateRedis();
  const queues: MessageQueue[] = [];

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const queue of queues.splice(0)) await queue.close();
  });

  function handlerWith(prefix: string) {
    const queue = new MessageQueue(redis.connection, prefix);
    queues.push(queue);
    const handle = createInteractionHandler({
      queue,
      settings: new RedisSettingsStore(redis.connection, prefix),
      analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
      logger: createLogger('silent', 'test'),
    });
    return { queue, handle };
  }

  /** A /feel in a DM, as discord.js hands it to the gateway; `told` records every answer. */
  function feelInteraction() {
    const told: Array<{ call: string; body?: unknown }> = [];
    const interaction = {
      id: snowflake(),
      applicationId: snowflake(),
      token: `token-${randomUUID()}`,
      guildId: null,
      channelId: snowflake(),
      channel: null,
      user: { id: snowflake() },
      commandName: 'feel',
      deferred: false,
      ephemeral: null as boolean | null,
      replied: false,
      isChatInputCommand: () => true,
      isMessageContextMenuCommand: () => false,
      options: { getString: () => 'I got the job, I am so happy!', getBoolean: () => null },
      async reply(body: unknown) {
        told.push({ call: 'reply', body });
        interaction.replied = true;
      },
      async deferReply(body: { flags?: number }) {
        told.push({ call: 'deferReply', body });
        interaction.deferred = true;
        interaction.ephemeral = ((body.flags ?? 0) & 64) === 64;
      },
      async editReply(body: unknown) {
        told.push({ call: 'editReply', body });
      },
      async followUp(body: unknown) {
        told.push({ call: 'followUp', body });
      },
      async deleteReply() {
        told.push({ call: 'deleteReply' });
      },
    };
    return { interaction, told, asDiscord: interaction as unknown as Interaction };
  }

  it('after Redis had queued it: the user keeps the "thinking…" the worker will edit, and is not told to try again', async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle } = handlerWith(prefix);
    const enqueue = queue.enqueueAnalysis.bind(queue);
    vi.spyOn(queue, 'enqueueAnalysis').mockImplementation(async (job) => {
      await enqueue(job);
      throw new Error('Command timed out');
    });
    const { interaction, told, asDiscord } = feelInteraction();
    await handle(asDiscord);
    expect(await queue.hasAnalysis(interaction.id)).toBe(true);
    expect(told.map((t) => t.call)).toEqual(['deferReply']);
  });

  it('before Redis queued it: the user is told privately that feelbot is briefly unavailable', async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle } = handlerWith(prefix);
    vi.spyOn(queue, 'enqueueAnalysis').mockRejectedValue(new Error('Command timed out'));
    const { interaction, told, asDiscord } = feelInteraction();
    await handle(asDiscord);
    expect(await queue.queue.getJob(analysisJobId(interaction.id))).toBeUndefined();
    expect(told).toEqual([
      { call: 'deferReply', body: { flags: 64 } },
      { call: 'editReply', body: { content: 'feelbot is briefly unavailable; please try again in a minute.' } },
    ]);
  });
});
