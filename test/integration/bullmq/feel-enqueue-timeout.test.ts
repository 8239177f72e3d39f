import { randomUUID } from 'node:crypto';
import { MessageFlags, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { sendFeel } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * The gateway's /feel handler on a real Redis and BullMQ queue, and a real discord.js client logged
 * in to the fake Discord. Only the queue's answer is made to time out; what is asserted is what the
 * handler told Discord, as the fake Discord recorded it.
 */
describe('a /feel whose queueing timed out', () => {
  const redis = usePrivateRedis();
  const queues: MessageQueue[] = [];
  const fake = useLoggedInClient();

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

  /** A member's private /feel, sent through the fake Discord; resolves with its id once `handle` is done with it. */
  async function feelHandledBy(handle: (interaction: Interaction) => Promise<void>): Promise<string> {
    const { sent, handled } = sendFeel(fake, handle);
    await handled;
    return sent.id;
  }

  it('after Redis had queued it: the user keeps the "thinking…" the worker will edit, and is not told to try again', async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle } = handlerWith(prefix);
    const enqueue = queue.enqueueAnalysis.bind(queue);
    vi.spyOn(queue, 'enqueueAnalysis').mockImplementation(async (job) => {
      await enqueue(job);
      throw new Error('Command timed out');
    });
    const interactionId = await feelHandledBy(handle);
    expect(await queue.hasAnalysis(interactionId)).toBe(true);
    expect(fake.discord.interactionResponses(interactionId).map((response) => [response.kind, response.callbackType])).toEqual([['callback', 5]]);
  });

  it('before Redis queued it: the user is told privately that feelbot is briefly unavailable', async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle } = handlerWith(prefix);
    vi.spyOn(queue, 'enqueueAnalysis').mockRejectedValue(new Error('Command timed out'));
    const interactionId = await feelHandledBy(handle);
    expect(await queue.queue.getJob(analysisJobId(interactionId))).toBeUndefined();
    const responses = fake.discord.interactionResponses(interactionId);
    expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([
      ['callback', 5],
      ['editOriginal', null],
    ]);
    expect(responses[0]!.body).toMatchObject({ data: { flags: MessageFlags.Ephemeral } });
    expect(responses[1]!.body).toMatchObject({ content: 'feelbot is briefly unavailable; please try again in a minute.' });
  });

  it('before Redis queued it: the analysis that never ran does not count against the user\'s minute', async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle } = handlerWith(prefix);
    vi.spyOn(queue, 'enqueueAnalysis').mockRejectedValue(new Error('Command timed out'));
    await feelHandledBy(handle);
    const limiter = new RedisAnalysisLimiter(redis.connection, prefix, { perUserPerMinute: 5, perGuildPerMinute: 20 });
    const request = { scope: fake.discord.world.guild.id, userId: fake.discord.world.users.member.id };
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push((await limiter.tryStart(request, randomUUID())).allowed);
    // Unless the minute turned over between the failed /feel and these claims, which only adds room.
    expect(verdicts).toEqual([true, true, true, true, true]);
  });
});
