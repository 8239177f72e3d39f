import { randomUUID } from 'node:crypto';
import { Routes } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { buildAnalysisJob } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

/**
 * Redis refusing writes (a full disk, maxmemory with noeviction, a failover, too few replicas):
 * ioredis puts the refused command and every argument it sent on the error, and what it sent can
 * be a webhook's or an interaction's token. The logs keep the command's name only.
 */
describe('an error from a write Redis refused, in the logs', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    await discord?.close();
  });

  afterEach(async () => {
    await redis.connection.config('SET', 'min-replicas-to-write', '0');
  });

  async function refusingWrites(): Promise<void> {
    await redis.connection.config('SET', 'min-replicas-to-write', '1');
  }

  it("keeps the command's name and drops a cached webhook's token it carried", async () => {
    const prefix = `{log-${randomUUID().slice(0, 8)}}`;
    const channelId = discord.world.channels.text.id;
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const webhook = (await rest.post(Routes.channelWebhooks(channelId), { body: { name: 'feelbot joy' } })) as { id: string; token: string };
    // Confirmed 10 minutes ago: the directory asks Discord where it posts, then rewrites the entry.
    await redis.connection.hset(`${prefix}:webhooks:${channelId}`, 'joy', JSON.stringify({ ...webhook, checkedAt: Date.now() - 600_000 }));
    const directory = new WebhookDirectory(rest, redis.connection, prefix, async () => discord.botUser.id);
    await refusingWrites();
    const error = await directory.get(channelId, { slot: 'joy', name: 'feelbot joy' }).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).toMatch(/NOREPLICAS/);
    const { logger, lines } = capturedLogger();
    logger.warn({ err: error }, 'job failed');
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(webhook.token);
    expect((lines[0]!.err as { command?: unknown }).command).toEqual({ name: 'eval' });
  });

  it("drops a /feel's interaction token carried by the refused enqueue", async () => {
    const prefix = `{log-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    try {
      const job = buildAnalysisJob({ token: `interaction-token-${randomUUID()}` });
      await refusingWrites();
      const error = await queue.enqueueAnalysis(job).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      const { logger, lines } = capturedLogger();
      logger.error({ err: error }, 'interaction failed');
      expect(JSON.stringify(lines)).not.toContain(job.token);
      expect(JSON.stringify(lines)).not.toContain(job.text);
      expect((lines[0]!.err as { command?: unknown }).command).toEqual({ name: 'eval' });
    } finally {
      await queue.close();
    }
  });
});
