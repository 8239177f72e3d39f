import { randomUUID } from 'node:crypto';
import { REST } from '@discordjs/rest';
import { MessageFlags } from 'discord.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { sendFeel } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { startPrivateRedis, usePrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

const CALLBACK = 'POST /interactions/:id/:token/callback';
/** Interaction callback type: "thinking…", to be edited later. */
const DEFERRED = 5;

/**
 * The gateway's /feel handler with the gateway's own discord.js client logged in to the fake
 * Discord. The limits and settings live on one private Redis, the queue on another that is down:
 * the request is counted, then cannot be queued.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient(createDiscordClient);
let queueRedis: PrivateRedis | undefined;

// Each test crashes its queue's Redis.
beforeEach(async () => {
  queueRedis = await startPrivateRedis();
});

afterEach(async () => {
  await queueRedis?.stop();
});

/**
 * The gateway's interaction handler, its limits and settings on the private Redis and its queue on
 * the other, which has crashed once the queue was ready: a /feel is counted, then cannot be queued.
 */
async function handlerWithQueueDown(gatewayName: string) {
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const connection = createRedis(queueRedis!.url, 'producer', gatewayName);
  const queue = new MessageQueue(connection, prefix);
  await queue.ready();
  await queueRedis!.crash();
  const { logger, lines } = capturedLogger();
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger,
  });
  const close = async () => {
    await queue.close();
    connection.disconnect();
  };
  return { handle, lines, close };
}

it('a /feel whose deferral Discord refuses as already acknowledged (40060), and that cannot then be queued, is told so in its "thinking…" answer', async () => {
  const { handle, lines, close } = await handlerWithQueueDown('test-gateway');
  // Another gateway's deferral got there first: Discord shows "thinking…" and refuses this one.
  fake.discord.failNext(CALLBACK, [{ status: 400, code: 40_060, message: 'Interaction has already been acknowledged.', afterHandling: true }]);
  const { sent, handled } = sendFeel(fake, handle);
  await handled;

  expect(lines.find((line) => line.msg === 'interaction failed')).toMatchObject({ interactionId: sent.id, code: 'REDIS_UNAVAILABLE' });
  const responses = fake.discord.interactionResponses(sent.id);
  expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([
    ['callback', DEFERRED],
    ['editOriginal', null],
  ]);
  expect(responses[1]!.body).toMatchObject({ content: 'feelbot is briefly unavailable; please try again in a minute.' });
  await close();
});

it("a /feel whose deferral met 40060 and that cannot be queued keeps the analysis another gateway's worker already gave it", async () => {
  // A roll-out: gateway A deferred and queued the /feel, and A's worker has answered it. This
  // gateway (B) received the same interaction, and its Redis is down.
  const { handle, lines, close } = await handlerWithQueueDown('test-gateway-b');
  fake.discord.failNext(CALLBACK, [{ status: 400, code: 40_060, message: 'Interaction has already been acknowledged.', afterHandling: true }]);
  const { sent, handled } = sendFeel(fake, handle);
  // A's worker answers while B still waits (1 s) for another gateway to have queued it.
  await expect.poll(() => fake.discord.interactionResponses(sent.id).length, { timeout: 2_000 }).toBe(1);
  const answer = 'Joy: what wonderful news! (joy 97%)';
  await new InteractionWebhookResponder(new REST({ api: fake.discord.apiUrl })).editOriginal(fake.discord.applicationId, sent.token, {
    content: answer,
    embeds: [],
    files: [],
  });
  await handled;

  expect(lines.find((line) => line.msg === 'interaction failed')).toMatchObject({ interactionId: sent.id, code: 'REDIS_UNAVAILABLE' });
  const responses = fake.discord.interactionResponses(sent.id);
  expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([
    ['callback', DEFERRED],
    ['editOriginal', null],
  ]);
  expect(responses[1]!.body).toMatchObject({ content: answer });
  expect(lines.find((line) => line.msg === 'the failed interaction keeps the answer already given to it')).toMatchObject({ interactionId: sent.id });
  await close();
});

it('a public /feel whose deferral met 40060 and that cannot be queued is told so only to its asker, and the public "thinking…" goes', async () => {
  const { handle, lines, close } = await handlerWithQueueDown('test-gateway');
  // Another gateway's public deferral got there first: the channel shows "thinking…". The failure
  // is told as the worker tells one (answerPrivately): in the placeholder, until the private text lands.
  fake.discord.failNext(CALLBACK, [{ status: 400, code: 40_060, message: 'Interaction has already been acknowledged.', afterHandling: true }]);
  const ours = (): Array<{ content: string; ephemeral: boolean }> =>
    fake.discord
      .channelMessages(fake.discord.world.channels.text.id)
      .filter((message) => message.application_id === fake.discord.applicationId)
      .map((message) => ({ content: message.content, ephemeral: (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 }));
  // The fake Discord lives as long as this file: the earlier tests' messages stay in the channel.
  const before = ours().length;
  const { sent, handled } = sendFeel(fake, handle, true);
  await handled;

  expect(lines.find((line) => line.msg === 'interaction failed')).toMatchObject({ interactionId: sent.id, code: 'REDIS_UNAVAILABLE' });
  expect(fake.discord.interactionResponses(sent.id).map((response) => response.kind)).toEqual(['callback', 'editOriginal', 'followup', 'deleteOriginal']);
  expect(ours().slice(before)).toEqual([{ content: 'feelbot is briefly unavailable; please try again in a minute.', ephemeral: true }]);
  await close();
});
