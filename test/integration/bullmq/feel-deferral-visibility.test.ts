import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { analysisJobId, parseAnalysisJob } from '../../../src/jobs/analysis-job.js';
import { sendFeel } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * The gateway's /feel handler on a real Redis and BullMQ queue, and a real discord.js client logged
 * in to the fake Discord: the worker tells a failure to the asker alone, so the job it gets must say
 * whether the "thinking…" it answers is one the whole channel sees.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient();

it('the queued /feel says whether its "thinking…" is public: public for public:true, private otherwise', async () => {
  const { discord } = fake;
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger: createLogger('silent', 'test'),
  });

  async function feel(isPublic: boolean) {
    const { sent, handled } = sendFeel(fake, handle, isPublic);
    await handled;
    const deferral = discord.interactionResponses(sent.id)[0]!;
    const deferredPublicly = ((deferral.body.data as { flags?: number } | undefined)?.flags ?? 0) === 0;
    return { deferredPublicly, job: parseAnalysisJob((await queue.queue.getJob(analysisJobId(sent.id)))!.data) };
  }

  const shown = await feel(true);
  expect(shown.deferredPublicly).toBe(true);
  expect(shown.job.deferredPublicly).toBe(true);
  const hidden = await feel(false);
  expect(hidden.deferredPublicly).toBe(false);
  expect(hidden.job.deferredPublicly).toBe(false);
  await queue.close();
});
