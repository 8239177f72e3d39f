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
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const fake = useFakeDiscord();

/** Holds its job for its first `n` checks, then has lost it (paused past JOB_LOCK_MS). */
const holdsFor = (n: number): JobHold => {
  let checks = 0;
  return { holdsJob: async () => checks++ < n };
};

it("a run whose refused send (avatar URL) answers after it lost its job does not take back the note of the worker that took the job over: the reply is not posted twice", async () => {
  const ledger = new RedisDeliveryLedger(redis.connection, `{race-${randomUUID().slice(0, 8)}}`);
  const channel = fake.discord.addChannel({ guildId: fake.discord.world.guild.id, type: 0, name: `race-${randomUUID().slice(0, 4)}` });
  const job = buildMessageJob({ guildId: fake.discord.world.guild.id, channelId: channel.id, receivedAt: Date.now() });

  const rest = createDiscordRest(fake.discord.apiUrl, fake.discord.token);
  const postRest = createDiscordRest(fake.discord.apiUrl, fake.discord.token, { repeatsFailedRequests: false });
  const directory = new WebhookDirectory(rest, redis.connection, `{race-wh-${randomUUID().slice(0, 8)}}`, async () => fake.discord.applicationId);
  // Run A: its avatar URL is refused by Discord (posts nothing); its send is held (A paused mid-request).
  const a = new WebhookReplier(rest, directory, new AvatarStore(), { postRest, avatarBaseUrl: 'https://avatars/base' });
  const isExecute = (request: { method: string; path: string }) => request.method === 'POST' && request.path.startsWith('/webhooks/');
  const release = fake.discord.holdNext(isExecute);
  // Held through the check before the post and the two around its first send's note (before it, once noted).
  const runA = handleMessageJob(job, buildMessageJobDeps({ ledger, replier: a }), undefined, holdsFor(3));
  await fake.discord.waitFor(() => fake.discord.requests.find((request) => isExecute(request) && request.status === 0));

  // Meanwhile worker B takes the job over (its history shows no post of A's), and sends: Discord posts it, then answers 502.
  const webhookReplier = () => new WebhookReplier(rest, directory, new AvatarStore(), { postRest });
  fake.discord.failNext('POST /webhooks/:id/:token', [{ status: 502, afterHandling: true }]);
  await expect(handleMessageJob(job, buildMessageJobDeps({ ledger, replier: webhookReplier() }))).rejects.toMatchObject({ details: { mayHavePosted: true } });
  expect(fake.discord.channelMessages(channel.id)).toHaveLength(1);

  // A resumes: Discord's refusal of its avatar arrives; its next check finds the job lost.
  release();
  await expect(runA).rejects.toMatchObject({ code: 'JOB_LOST' });

  // B's retry looks for its post in the history, finds it, and posts nothing again.
  const retried = await handleMessageJob(job, buildMessageJobDeps({ ledger, replier: webhookReplier() }));
  expect(fake.discord.channelMessages(channel.id).map((message) => message.content)).toEqual(['How wonderful!']);
  expect(retried).toMatchObject({ status: 'skipped', reason: 'already-answered' });
});
