import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
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
 * in to the fake Discord: the limiter counts the request in the same round trip as the settings
 * read, so a read that fails must not leave the count behind.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient();

it('a public /feel whose settings read fails gives its count back: no analysis ran, none is counted', async () => {
  const { discord } = fake;
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger: createLogger('silent', 'test'),
  });
  // Redis refuses the settings read (WRONGTYPE: the key holds a hash), after the limiter's count went through.
  await redis.connection.hset(`${prefix}:settings:${discord.world.guild.id}`, 'mode', 'auto');
  const { sent, handled } = sendFeel(fake, handle, true);
  await handled;
  expect(await queue.queue.getJob(analysisJobId(sent.id))).toBeUndefined();
  // The /feel that never ran is in neither the person's count for this minute nor the server's.
  const counts = await Promise.all((await redis.connection.keys(`${prefix}:analysis:[ug]:*`)).map((key) => redis.connection.get(key)));
  expect(counts.map(Number).reduce((sum, count) => sum + count, 0)).toBe(0);
  await queue.close();
});
