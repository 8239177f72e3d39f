import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob, type JobHold } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJob, buildMessageJobDeps } from '../../factories.js';
import { useFakeDiscord } from '../../fakes/fake-discord/use-fake-discord.js';
import { recordingReplier } from '../../support/recording-replier.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();

/** Holds its job through the check before the post and the one before its first send; lost by the second (paused past JOB_LOCK_MS in between). */
const lostAfterFirstSend = (): JobHold => {
  let checks = 0;
  return { holdsJob: async () => checks++ < 2 };
};

it('where the bot may not read the history, a worker paused while it fetches a fresh webhook (its cached one was deleted, so its first send posted nothing) does not keep the worker that took the job over from posting', async () => {
  const { discord } = fake;
  const rest = createDiscordRest(discord.apiUrl, discord.token);
  const postRest = createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false });
  const prefix = `{fresh-${randomUUID().slice(0, 8)}}`;
  const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `fresh-${randomUUID().slice(0, 4)}` });
  const ledger = new RedisDeliveryLedger(redis.connection, prefix);
  const replier = new WebhookReplier(rest, new WebhookDirectory(rest, redis.connection, prefix, async () => discord.applicationId), new AvatarStore(), { postRest });
  const deps = buildMessageJobDeps({ replier, ledger });
  const webhookReplies = () => discord.channelMessages(channel.id).filter((message) => message.webhook_id);

  // An earlier reply made and cached the channel's webhook; an admin has deleted it since.
  const earlier = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: false, receivedAt: Date.now() });
  await expect(handleMessageJob(earlier, deps)).resolves.toMatchObject({ status: 'posted' });
  discord.deleteWebhook(discord.webhookExecutions().at(-1)!.webhookId);

  // Run A: its send through the deleted webhook is refused (404 Unknown Webhook, nothing posted); it
  // then asks for the channel's webhooks to make a fresh one, and pauses there past its job lock.
  const job = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel.id, readsHistory: false, receivedAt: Date.now() });
  const isWebhookLookup = (request: { path: string }) => request.path.startsWith(`/channels/${channel.id}/webhooks`);
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
