import { randomUUID } from 'node:crypto';
import { MessageFlags } from 'discord.js';
import { afterEach, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { sendFeel } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const FOLLOW_UP = 'POST /webhooks/:id/:token';
const UNAVAILABLE = 'feelbot is briefly unavailable; please try again in a minute.';

/**
 * The gateway's /feel handler with the gateway's own discord.js client (whose REST client repeats
 * failed requests) logged in to the fake Discord, on a real Redis; only the queueing is made to fail.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient(createDiscordClient);
const queues: MessageQueue[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const queue of queues.splice(0)) await queue.close();
});

it('a public /feel that cannot be queued, whose private notice Discord posts and then answers 502 for, shows its asker the notice once', async () => {
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  queues.push(queue);
  vi.spyOn(queue, 'enqueueAnalysis').mockRejectedValue(new Error('Command timed out'));
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger: createLogger('silent', 'test'),
  });
  fake.discord.failNext(FOLLOW_UP, [{ status: 502, afterHandling: true }]);
  const { sent, handled } = sendFeel(fake, handle, true);
  await handled;

  expect(fake.discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal', 'followup', 'editOriginal']);
  const privateNotices = fake.discord
    .channelMessages(fake.discord.world.channels.text.id)
    .filter((message) => message.content === UNAVAILABLE && (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0);
  expect(privateNotices).toHaveLength(1);
});
