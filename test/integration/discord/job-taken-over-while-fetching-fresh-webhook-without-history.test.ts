import { expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob, type JobHold } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJobDeps } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { recordingReplier } from '../../support/recording-replier.js';
import { usePrivateRedis } from '../../support/redis-server.js';
import { webhookReplyChannel } from '../../support/webhook-reply-channel.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();

/** Holds its job through the check before the post and the two around its first send's note (before it, once noted); lost by the second send (paused past JOB_LOCK_MS in between). */
const lostAfterFirstSend = (): JobHold => {
  let checks = 0;
  return { holdsJob: async () => checks++ < 3 };
};

it('where the bot may not read the history, a worker paused while it fetches a fresh webhook (its cached one was deleted, so its first send posted nothing) does not keep the worker that took the job over from posting', async () => {
  const { discord } = fake;
  const here = webhookReplyChannel(discord, redis.connection, 'fresh');
  const ledger = new RedisDeliveryLedger(redis.connection, here.prefix);
  const deps = buildMessageJobDeps({ replier: here.replier, ledger });
  const webhookReplies = here.replies;

  // An earlier reply made and cached the channel's webhook; an admin has deleted it since.
  const earlier = here.job({ readsHistory: false });
  await expect(handleMessageJob(earlier, deps)).resolves.toMatchObject({ status: 'posted' });
  discord.deleteWebhook(discord.webhookExecutions().at(-1)!.webhookId);

  // Run A: its send through the deleted webhook is refused (404 Unknown Webhook, nothing posted); it
  // then asks for the channel's webhooks to make a fresh one, and pauses there past its job lock.
  const job = here.job({ readsHistory: false });
  const isWebhookLookup = (request: { path: string }) => request.path.startsWith(`/channels/${here.channelId}/webhooks`);
  const before = discord.requests.length;
  const release = discord.holdNext(isWebhookLookup);
  const a = handleMessageJob(job, deps, undefined, lostAfterFirstSend()).catch((error: unknown) => error);
  await discord.waitFor(() => discord.requests.slice(before).find(isWebhookLookup));

  // Worker B takes the job over meanwhile. A has posted nothing, so B's reply is the only one: it must be posted.
  const rescuer = recordingReplier();
  const rescued = await handleMessageJob(job, buildMessageJobDeps({ ledger, replier: rescuer.replier }));
  release();

  expect(await a).toMatchObject({ code: 'JOB_LOST' });
  expect(rescued).toEqual({ status: 'posted', emotion: 'joy', persona: 'joy', replyId: expect.any(String) });
  expect(rescuer.posted).toHaveLength(1);
  expect(webhookReplies()).toHaveLength(1); // the earlier reply alone
});
