import { afterEach, expect, it, vi } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJobDeps } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { passTime } from '../../support/pass-time.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { webhookReplyChannel } from '../../support/webhook-reply-channel.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();
afterEach(() => {
  vi.useRealTimers();
});

it('a post Discord made and answered 502, whose retry runs after the workers were down for over an hour, is not posted a second time', async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  const { discord } = fake;
  const here = webhookReplyChannel(discord, redis.connection, 'stall');
  const { prefix, replies } = here;
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const deps = buildMessageJobDeps({ replier: here.replier, ledger });
  const job = here.job({ readsHistory: true });

  discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
  await expect(handleMessageJob(job, deps)).rejects.toMatchObject({ code: 'DISCORD_REQUEST_FAILED', details: { mayHavePosted: true } });
  expect(replies()).toHaveLength(1);

  // The worker stopped after that failure (a deploy, a crashed host) and its replacement came back 61 minutes later.
  await passTime(redis.connection, prefix, 61 * 60_000);
  const retried = await handleMessageJob(job, deps);

  expect(retried).toMatchObject({ status: 'skipped', reason: 'already-answered' });
  expect(replies()).toHaveLength(1);
});
