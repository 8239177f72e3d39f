import { randomUUID } from 'node:crypto';
import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { sendFeel } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * Discord gives an interaction 3 seconds for its first answer. A /feel whose server settings Redis
 * did not answer in time (a command gives up after 2 s) has little of them left: its answer must not
 * also wait for the count it gives back, which a Redis that slow may take as long to take.
 */
describe('a public /feel whose server settings could not be read', () => {
  const redis = usePrivateRedis();
  const queues: MessageQueue[] = [];
  const fake = useLoggedInClient();

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const queue of queues.splice(0)) await queue.close();
  });

  it('is told privately at once that feelbot is briefly unavailable, without waiting for its count to be given back', async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    queues.push(queue);
    const settings = new RedisSettingsStore(redis.connection, prefix);
    const analysisLimiter = new RedisAnalysisLimiter(redis.connection, prefix);
    vi.spyOn(settings, 'get').mockRejectedValue(new Error('Command timed out'));
    let releaseAnswered = () => undefined as void;
    const releasing = new Promise<void>((resolve) => (releaseAnswered = resolve));
    const release = analysisLimiter.release.bind(analysisLimiter);
    // Redis is slow: the count's return is answered only when the test says so.
    vi.spyOn(analysisLimiter, 'release').mockImplementation(async (request, interactionId) => {
      await releasing;
      await release(request, interactionId);
    });
    const handle = createInteractionHandler({ queue, settings, analysisLimiter, logger: createLogger('silent', 'test') });

    // Public: whether it may be answered publicly is read from the server's settings.
    const { sent, handled } = sendFeel(fake, handle, true);
    // The private answer reaches Discord while the count's return is still waiting for Redis.
    await expect.poll(() => fake.discord.interactionResponses(sent.id).length, { timeout: 5_000 }).toBe(1);
    const [answer] = fake.discord.interactionResponses(sent.id);
    expect(answer).toMatchObject({ kind: 'callback', callbackType: 4, body: { data: { flags: MessageFlags.Ephemeral } } });
    expect(JSON.stringify(answer!.body)).toContain('briefly unavailable');
    expect(analysisLimiter.release).toHaveBeenCalledTimes(1);
    releaseAnswered();
    await handled;
  });
});
